/** What every extractor of a run shares: the client, the organisation, the staging buffer and progress. */
import type { AtlassianClientShape } from "@seatsync/atlassian-client"
import type { Rejected } from "@seatsync/normalise"
import { Effect } from "effect"
import { ProgressEvent, type ProgressSink } from "./Progress.js"
import type { StagingBuffer } from "./StagingBuffer.js"

export interface ExtractContext {
  readonly client: AtlassianClientShape
  readonly orgId: string
  readonly buffer: StagingBuffer
  readonly progress: ProgressSink
  /** When this run read the data (activity observations carry it). */
  readonly observedAt: Date
}

/** Counts pages and records of one source and reports each page. */
export const pageReporter = (context: ExtractContext, source: string) => {
  let pages = 0
  let records = 0
  let rejected = 0
  return (pageRecords: number, pageRejected: ReadonlyArray<Rejected>) =>
    Effect.gen(function* () {
      pages += 1
      records += pageRecords
      rejected += pageRejected.length
      yield* context.buffer.reject(pageRejected)
      const stats = yield* context.client.stats
      yield* context.progress(
        ProgressEvent.PageStaged({
          source,
          pages,
          records,
          rejected,
          retries: stats.retries,
          rateLimited: stats.rateLimited
        })
      )
      yield* context.progress(
        ProgressEvent.ApiStats({
          apiCalls: stats.apiCalls,
          retries: stats.retries,
          rateLimited: stats.rateLimited,
          sleptMillis: stats.sleptMillis
        })
      )
    })
}

/** Splits normalisation results into records and rejections. */
export const partition = <A, R>(
  results: Iterable<
    { readonly _tag: "Left"; readonly left: R } | { readonly _tag: "Right"; readonly right: A }
  >
) => {
  const records: Array<A> = []
  const rejected: Array<R> = []
  for (const result of results) {
    if (result._tag === "Right") records.push(result.right)
    else rejected.push(result.left)
  }
  return { records, rejected }
}

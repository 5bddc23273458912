/** What a running sync reports as it goes, for the CLI and the worker to render. */
import type { RetryNotice } from "@seatsync/atlassian-client"
import type { Entities, RunId } from "@seatsync/store"
import { Data, type Effect } from "effect"

/** The stored entities a run fills: `org_user`, `org_group`, `group_membership`, `product`, … */
export type SyncEntity = Entities.Entity

/**
 * One event of a running sync, in the order a run emits them: `RunStarted`, `OrgVerified`, then per page
 * `PageStaged` followed by `ApiStats` (and `Retrying` whenever the client is about to try a call again), then
 * `Merging`. Given to `runSync`'s `onProgress`; match on `_tag`.
 */
export type ProgressEvent = Data.TaggedEnum<{
  /** The run ledger row exists; `runId` identifies the run from here on. */
  RunStarted: { readonly runId: RunId; readonly connectionName: string; readonly orgId: string }
  /** The organisation answered the preflight call. */
  OrgVerified: { readonly orgName: string | undefined }
  /** One more page of a source was fetched, normalised and buffered for staging. */
  PageStaged: {
    /** The API listing the page came from: `users`, `groups`, `products`, `roles`, … */
    readonly source: string
    readonly pages: number
    readonly records: number
    readonly rejected: number
    readonly retries: number
    readonly rateLimited: number
  }
  /**
   * The client's request counters so far (cumulative for the run, across every source), reported after
   * each page so that a display can show retries and rate-limit waits while they happen.
   */
  ApiStats: {
    readonly apiCalls: number
    readonly retries: number
    readonly rateLimited: number
    readonly sleptMillis: number
  }
  /**
   * The client is about to wait and try a call again: what failed, where, attempt N of M and the wait
   * (`describeRetryNotice` of the client says it in one line). No retry happens without one.
   */
  Retrying: { readonly notice: RetryNotice }
  /** Extraction finished and the merge into the live tables is about to start. */
  Merging: { readonly staged: Readonly<Partial<Record<SyncEntity, number>>> }
}>

/**
 * Constructors, guards and `$match` for {@link ProgressEvent}, e.g. `ProgressEvent.PageStaged({ … })` or
 * `ProgressEvent.$match(event, { RunStarted: …, PageStaged: …, … })`.
 */
export const ProgressEvent = Data.taggedEnum<ProgressEvent>()

/** A sink for progress events. Rendering must be cheap: it runs on the sync's fiber. */
export type ProgressSink = (event: ProgressEvent) => Effect.Effect<void>

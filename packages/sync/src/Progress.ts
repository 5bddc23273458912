/** What a running sync reports as it goes, for the CLI and the worker to render. */
import type { RunId } from "@seatsync/store"
import { Data, type Effect } from "effect"

export type SyncEntity = "users"

export type ProgressEvent = Data.TaggedEnum<{
  /** The run ledger row exists; `runId` identifies the run from here on. */
  RunStarted: { readonly runId: RunId; readonly connectionName: string; readonly orgId: string }
  /** The organisation answered the preflight call. */
  OrgVerified: { readonly orgName: string | undefined }
  /** One more page of an entity was fetched and staged. */
  PageStaged: {
    readonly entity: SyncEntity
    readonly pages: number
    readonly records: number
    readonly rejected: number
    readonly retries: number
    readonly rateLimited: number
  }
  /** Staging finished and the merge into the live tables is about to start. */
  Merging: { readonly entity: SyncEntity }
}>

export const ProgressEvent = Data.taggedEnum<ProgressEvent>()

/** A sink for progress events. Rendering must be cheap: it runs on the sync's fiber. */
export type ProgressSink = (event: ProgressEvent) => Effect.Effect<void>

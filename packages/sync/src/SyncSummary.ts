/** The outcome of one sync run, as the CLI prints it and the run ledger stores it. */
import type { RequestStats } from "@seatsync/atlassian-client"
import type { ConnectionId, RunId, RunMerge, SyncRuns } from "@seatsync/store"
import type { SyncEntity } from "./Progress.js"

/** What happened to one entity: its merge counts plus what was fetched and what was rejected. */
export interface EntityCounts extends RunMerge.MergeResult {
  /** Records staged for the merge. */
  readonly staged: number
}

export interface SyncSummary {
  readonly runId: RunId
  readonly connectionId: ConnectionId
  readonly orgId: string
  readonly orgName: string | undefined
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly entities: Readonly<Record<SyncEntity, EntityCounts>>
  /** Records that could not be normalised, kept in `seatsync.quarantine` with the reason. */
  readonly quarantined: number
  /**
   * The organisation's counts against the enumeration, per counted entity ("expected vs stored"), and the
   * entities whose unseen rows the run kept (drift or quarantine) instead of soft-deleting them.
   */
  readonly reconciliation: SyncRuns.Reconciliation
  /** Seat-ledger rows written for the day. */
  readonly ledgerRows: number
  readonly api: RequestStats
}

/** The outcome of one sync run, as the CLI prints it and the run ledger stores it. */
import type { RequestStats } from "@seatsync/atlassian-client"
import type { ConnectionId, RunId } from "@seatsync/store"

export interface EntityCounts {
  /** Records fetched from Atlassian. */
  readonly seen: number
  readonly inserted: number
  readonly updated: number
  /** Came back after having been soft-deleted. */
  readonly restored: number
  /** Soft-deleted because they were absent from a complete enumeration. */
  readonly deleted: number
  readonly unchanged: number
  /** Records that could not be normalised (kept with the reason, never silently dropped). */
  readonly rejected: number
}

export interface SyncSummary {
  readonly runId: RunId
  readonly connectionId: ConnectionId
  readonly orgId: string
  readonly orgName: string | undefined
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly users: EntityCounts
  readonly api: RequestStats
}

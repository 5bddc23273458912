/**
 * The state of a running sync as a live display shows it, folded from the pipeline's `ProgressEvent`s:
 * pure, so the display's content is tested without a terminal.
 */
import type { RetryNotice } from "@seatsync/atlassian-client"
import type { ProgressEvent } from "@seatsync/sync"

/** One API listing of the run (`users`, `groups`, `group grants`, `products`, `roles`). */
export interface SourceProgress {
  readonly source: string
  readonly pages: number
  readonly records: number
  readonly rejected: number
}

/** The client's counters for the whole run: every listing shares one client and one rate budget. */
export interface ApiProgress {
  readonly apiCalls: number
  readonly retries: number
  readonly rateLimited: number
  readonly sleptMillis: number
}

export type SyncPhase = "starting" | "extracting" | "merging"

export interface SyncProgressState {
  readonly connectionName: string
  readonly runId: number | undefined
  readonly orgName: string | undefined
  readonly phase: SyncPhase
  /** In the order the listings first reported a page. */
  readonly sources: ReadonlyArray<SourceProgress>
  readonly api: ApiProgress
  /** Records handed to the merge (set when the merge starts). */
  readonly staged: number | undefined
  /** The latest retry the client announced (shown until the merge starts). */
  readonly lastRetry: RetryNotice | undefined
}

export const initialSyncProgress = (connectionName: string): SyncProgressState => ({
  connectionName,
  runId: undefined,
  orgName: undefined,
  phase: "starting",
  sources: [],
  api: { apiCalls: 0, retries: 0, rateLimited: 0, sleptMillis: 0 },
  staged: undefined,
  lastRetry: undefined
})

/** The state after one more event. */
export const reduceSyncProgress = (state: SyncProgressState, event: ProgressEvent): SyncProgressState => {
  switch (event._tag) {
    case "RunStarted":
      return { ...state, connectionName: event.connectionName, runId: event.runId }
    case "OrgVerified":
      return { ...state, orgName: event.orgName, phase: "extracting" }
    case "PageStaged": {
      const source: SourceProgress = {
        source: event.source,
        pages: event.pages,
        records: event.records,
        rejected: event.rejected
      }
      const known = state.sources.some((existing) => existing.source === event.source)
      // PageStaged also carries the client's retry and 429 counts; keep the larger so order cannot undo.
      const api: ApiProgress = {
        ...state.api,
        retries: Math.max(state.api.retries, event.retries),
        rateLimited: Math.max(state.api.rateLimited, event.rateLimited)
      }
      return {
        ...state,
        phase: "extracting",
        api,
        sources: known
          ? state.sources.map((existing) => (existing.source === event.source ? source : existing))
          : [...state.sources, source]
      }
    }
    case "ApiStats":
      return {
        ...state,
        api: {
          apiCalls: event.apiCalls,
          retries: event.retries,
          rateLimited: event.rateLimited,
          sleptMillis: event.sleptMillis
        }
      }
    case "Retrying":
      return { ...state, lastRetry: event.notice }
    case "Merging":
      return {
        ...state,
        phase: "merging",
        staged: Object.values(event.staged).reduce((sum: number, n) => sum + (n ?? 0), 0)
      }
  }
}

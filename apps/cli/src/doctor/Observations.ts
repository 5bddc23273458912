/**
 * What `seatsync doctor` saw about one connection: plain values (every read's outcome as an `Either`), so
 * that judging them (`ConnectionChecks`) is pure.
 */
import type {
  Directory,
  JiraApplicationRole,
  ManagedAccount,
  OrgModel,
  Workspace
} from "@seatsync/atlassian-client"
import type { KeyExpiry, SyncRuns } from "@seatsync/store"
import type { OrgSize, SyncPlan } from "@seatsync/sync"
import type { Either, Option } from "effect"

/** A failure as doctor needs it: its tag to decide, its message to show. */
export interface ProbeError {
  readonly _tag: string
  readonly message: string
}

/** The outcome of one read. */
export type Probe<A> = Either.Either<A, ProbeError>

/** The connection being examined, as stored (or, for `--demo`, as the simulator defines it). */
export interface Subject {
  readonly name: string
  readonly orgId: string
  readonly guard: "enabled" | "disabled" | "unknown"
  readonly siteUrl: string | null
  readonly schedule: string
  readonly timeZone: string
  readonly pausedAt: Date | null
  readonly pausedReason: string | null
  readonly consecutiveFailures: number
  /**
   * The API key's recorded expiry (`connect --key-expires`), judged at the time of the check; omitted, no
   * expiry line is shown.
   */
  readonly keyExpiry?: KeyExpiry.KeyExpiryState | undefined
  /** Whether it is a stored connection (the demo may not be registered yet). */
  readonly registered: boolean
  /** `--demo`: fixes say `seatsync sync --demo` instead of `seatsync connect`. */
  readonly demo: boolean
}

/** Where the API key came from, when it could be had. */
export type KeySource =
  | { readonly kind: "stored" }
  | { readonly kind: "environment"; readonly variable: string }
  | { readonly kind: "simulator" }

/** The Admin API endpoints a sync reads, each probed with the smallest request that exercises it. */
export interface ApiProbes {
  readonly directories: Probe<ReadonlyArray<Directory>>
  /** The first user's account id, if any (to probe last-active with). */
  readonly users: Probe<Option.Option<string>>
  /** The first group's id, if any (to probe its role assignments). */
  readonly groups: Probe<Option.Option<string>>
  /** Undefined when there was no group to ask about. */
  readonly groupRoles: Probe<void> | undefined
  readonly workspaces: Probe<ReadonlyArray<Workspace>>
  /** Undefined when there was no user to ask about. */
  readonly lastActive: Probe<void> | undefined
  /** The first page of `GET /v1/orgs/{orgId}/users` (not needed by the sync; shows domains and Guard). */
  readonly managedAccounts: Probe<ReadonlyArray<ManagedAccount>>
}

export interface LastRun {
  readonly id: number
  readonly status: "running" | "succeeded" | "failed" | "interrupted"
  readonly startedAt: Date
  readonly finishedAt: Date | null
  readonly errorMessage: string | undefined
  /** The run's expected vs stored per counted entity and the entities it kept; null when not recorded. */
  readonly reconciliation?: SyncRuns.Reconciliation | null | undefined
}

export interface Observations {
  readonly subject: Subject
  /** The API key, or why it could not be had. */
  readonly key: Either.Either<KeySource, ProbeError>
  /** `GET /v1/orgs/{orgId}`; undefined when there was no key to ask with. */
  readonly org: Probe<OrgModel> | undefined
  /** The other endpoints; undefined when the key or the org failed in a way that makes them pointless. */
  readonly api: ApiProbes | undefined
  /** The site's cloudId; none when no site is configured. */
  readonly cloudId: Option.Option<Probe<string>>
  /** The Jira site credentials' check: the application roles read with them; none when none are set. */
  readonly jira: Option.Option<{
    readonly email: string
    readonly roles: Probe<ReadonlyArray<JiraApplicationRole>>
  }>
  /** The newest run in the ledger, if any. */
  readonly lastRun: Option.Option<LastRun>
  /**
   * The next full sync's estimate (`SyncPlan`) from the organisation's counts, role holders from the last
   * succeeded run or `users/stats` (no extra calls); undefined when the API was not probed.
   */
  readonly estimate?: Probe<SyncEstimate> | undefined
}

/** What a full sync would cost, and the counts it rests on. */
export interface SyncEstimate {
  readonly size: OrgSize
  readonly plan: SyncPlan
  /** The last succeeded full run's calls, when there is one. */
  readonly previousCalls: Option.Option<number>
}

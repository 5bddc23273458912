/**
 * Typed report queries over the consumer views: seat utilisation per product, reclaim candidates with their
 * evidence, and run history.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"
import { ConnectionId, RunIdFromString } from "./Ids.js"
import { defaultGraceDays } from "./RunMerge.js"
import { Status, Trigger } from "./SyncRuns.js"

type Failure = SqlError.SqlError | ParseResult.ParseError

/** numeric columns arrive from node-postgres as strings. */
const NumericOrNull = Schema.NullOr(Schema.Union(Schema.Number, Schema.NumberFromString))

export const SeatUtilisation = Schema.Struct({
  connectionId: ConnectionId,
  connectionName: Schema.String,
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  url: Schema.NullOr(Schema.String),
  plan: Schema.NullOr(Schema.String),
  /** The inactivity threshold the counts used: the connection's own, or the override. */
  inactiveAfterDays: Schema.Int,
  capacity: Schema.NullOr(Schema.Int),
  assigned: Schema.Int,
  billable: Schema.Int,
  active30: Schema.Int,
  active60: Schema.Int,
  active90: Schema.Int,
  neverActive: Schema.Int,
  reclaimable: Schema.Int,
  /** billable ÷ capacity, when the capacity is known. */
  utilisation: NumericOrNull
})
export type SeatUtilisation = typeof SeatUtilisation.Type

/**
 * Seat counts per live product, of one connection or of all: `v_seat_utilisation` (now, each connection's
 * threshold), or the same `seat_counts` with `inactiveAfterDays` instead of each connection's own and/or as of
 * `asOf` (the moment activity ages are measured from; the data is always the current one).
 */
export const seatUtilisation = (
  connectionId?: ConnectionId,
  options: { readonly inactiveAfterDays?: number; readonly asOf?: Date } = {}
): Effect.Effect<ReadonlyArray<SeatUtilisation>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    const threshold =
      options.inactiveAfterDays === undefined
        ? sql`c.inactive_after_days`
        : sql`${Math.floor(options.inactiveAfterDays)}::integer`
    const asOf = options.asOf === undefined ? sql`now()` : sql`${options.asOf}::timestamptz`
    return SqlSchema.findAll({
      Request: Schema.Void,
      Result: SeatUtilisation,
      execute: () => sql`
        SELECT c.id AS "connectionId", c.name AS "connectionName", p.product_id AS "productId",
               p.product_key AS "productKey", p.name AS "productName", p.url, p.plan,
               ${threshold} AS "inactiveAfterDays", s.capacity, s.assigned, s.billable, s.active_30 AS "active30",
               s.active_60 AS "active60", s.active_90 AS "active90", s.never_active AS "neverActive", s.reclaimable,
               CASE WHEN s.capacity > 0 THEN round(s.billable::numeric / s.capacity, 4) END AS utilisation
        FROM seatsync.connection AS c
        CROSS JOIN LATERAL seatsync.seat_counts(c.id, ${asOf}, ${threshold}, ${defaultGraceDays}::integer) AS s
        JOIN seatsync.product AS p ON p.connection_id = c.id AND p.product_id = s.product_id
        ${connectionId === undefined ? sql`` : sql`WHERE c.id = ${connectionId}`}
        ORDER BY c.name, p.product_key, p.product_id`
    })(undefined)
  }).pipe(Effect.withSpan("Reports.seatUtilisation"))

export const SeatLedgerDay = Schema.Struct({
  connectionId: ConnectionId,
  connectionName: Schema.String,
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  /** The UTC day, `YYYY-MM-DD`. */
  day: Schema.String,
  capacity: Schema.NullOr(Schema.Int),
  assigned: Schema.Int,
  billable: Schema.Int,
  active30: Schema.Int,
  active60: Schema.Int,
  active90: Schema.Int,
  neverActive: Schema.Int,
  reclaimable: Schema.Int
})
export type SeatLedgerDay = typeof SeatLedgerDay.Type

/**
 * `seat_ledger`: one row per connection, product and day (each run's counts, the last run of a day wins),
 * of one connection or of all, oldest day first; products deleted since keep their history.
 */
export const seatLedger = (
  connectionId?: ConnectionId
): Effect.Effect<ReadonlyArray<SeatLedgerDay>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: SeatLedgerDay,
      execute: () => sql`
        SELECT l.connection_id AS "connectionId", c.name AS "connectionName", l.product_id AS "productId",
               coalesce(p.product_key, l.product_id) AS "productKey", coalesce(p.name, l.product_id) AS "productName",
               to_char(l.day, 'YYYY-MM-DD') AS day, l.capacity, l.assigned, l.billable, l.active_30 AS "active30",
               l.active_60 AS "active60", l.active_90 AS "active90", l.never_active AS "neverActive", l.reclaimable
        FROM seatsync.seat_ledger AS l
        JOIN seatsync.connection AS c ON c.id = l.connection_id
        LEFT JOIN seatsync.product AS p ON p.connection_id = l.connection_id AND p.product_id = l.product_id
        ${connectionId === undefined ? sql`` : sql`WHERE l.connection_id = ${connectionId}`}
        ORDER BY c.name, "productKey", l.product_id, l.day`
    })(undefined)
  ).pipe(Effect.withSpan("Reports.seatLedger"))

export const ReclaimVerdict = Schema.Literal("inactive", "never_active")

export const ReclaimCandidate = Schema.Struct({
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  accountId: Schema.String,
  name: Schema.String,
  email: Schema.NullOr(Schema.String),
  roles: Schema.Array(Schema.String),
  accountType: Schema.String,
  status: Schema.NullOr(Schema.String),
  /** Null when Atlassian did not say whether the account is managed. */
  managed: Schema.NullOr(Schema.Boolean),
  lastActiveAt: Schema.NullOr(Schema.DateFromSelf),
  activitySource: Schema.NullOr(Schema.String),
  activityObservedAt: Schema.NullOr(Schema.DateFromSelf),
  addedToOrg: Schema.NullOr(Schema.DateFromSelf),
  daysSinceActive: Schema.NullOr(Schema.Int),
  daysSinceAdded: Schema.NullOr(Schema.Int),
  verdict: ReclaimVerdict
})
export type ReclaimCandidate = typeof ReclaimCandidate.Type

/**
 * Billable seats whose holder is `inactive` or `never_active` after `inactiveAfterDays` (the same rules as
 * `v_reclaim_candidates`, which uses the connection's own setting), with the evidence; longest idle first.
 * Protected accounts (`Protection`) are left out. `ReclaimReasons.candidates` adds the reasons that are not
 * inactivity.
 */
export const reclaimCandidates = (
  connectionId: ConnectionId,
  options: { readonly inactiveAfterDays: number; readonly graceDays?: number; readonly asOf?: Date }
): Effect.Effect<ReadonlyArray<ReclaimCandidate>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    const asOf = options.asOf ?? new Date()
    const verdict = sql`seatsync.seat_verdict(s.last_active_at, s.has_activity, s.added_to_org,
      ${asOf}::timestamptz, ${Math.floor(options.inactiveAfterDays)}::integer,
      ${Math.floor(options.graceDays ?? defaultGraceDays)}::integer)`
    return SqlSchema.findAll({
      Request: Schema.Void,
      Result: ReclaimCandidate,
      execute: () => sql`
        SELECT * FROM (
          SELECT s.product_id AS "productId", p.product_key AS "productKey", p.name AS "productName",
                 s.account_id AS "accountId", s.name, s.email, s.roles, s.account_type AS "accountType", s.status,
                 CASE WHEN s.claim_status IS NULL THEN NULL ELSE s.claim_status = 'managed' END AS managed,
                 s.last_active_at AS "lastActiveAt", s.activity_source AS "activitySource",
                 s.activity_observed_at AS "activityObservedAt", s.added_to_org AS "addedToOrg",
                 floor(extract(epoch FROM ${asOf}::timestamptz - s.last_active_at) / 86400)::int AS "daysSinceActive",
                 floor(extract(epoch FROM ${asOf}::timestamptz - s.added_to_org) / 86400)::int AS "daysSinceAdded",
                 ${verdict} AS verdict
          FROM seatsync.v_product_seat AS s
          JOIN seatsync.product AS p ON p.connection_id = s.connection_id AND p.product_id = s.product_id
          WHERE s.connection_id = ${connectionId} AND s.billable
            AND s.account_id NOT IN (SELECT pa.account_id FROM seatsync.protected_account(${connectionId}) AS pa)
        ) AS candidates
        WHERE verdict IN ('inactive', 'never_active')
        ORDER BY "lastActiveAt" NULLS FIRST, "productId", "accountId"`
    })(undefined)
  }).pipe(Effect.withSpan("Reports.reclaimCandidates", { attributes: { connectionId } }))

export const RunHealth = Schema.Struct({
  runId: RunIdFromString,
  connectionId: ConnectionId,
  connectionName: Schema.String,
  status: Status,
  trigger: Trigger,
  startedAt: Schema.DateFromSelf,
  finishedAt: Schema.NullOr(Schema.DateFromSelf),
  durationSeconds: Schema.Number,
  entityCounts: Schema.Record({ key: Schema.String, value: Schema.Number }),
  apiCalls: Schema.Int,
  retries: Schema.Int,
  rateLimited: Schema.Int,
  sleptMs: Schema.NumberFromString,
  quarantined: Schema.Int,
  errorTag: Schema.NullOr(Schema.String),
  errorMessage: Schema.NullOr(Schema.String)
})
export type RunHealth = typeof RunHealth.Type

/** `v_run_health`: the most recent runs, newest first, of one connection or of all. */
export const runHistory = (
  connectionId?: ConnectionId,
  limit = 20
): Effect.Effect<ReadonlyArray<RunHealth>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: RunHealth,
      execute: () => sql`
        SELECT run_id AS "runId", connection_id AS "connectionId", connection_name AS "connectionName", status,
               trigger, started_at AS "startedAt", finished_at AS "finishedAt", duration_seconds AS "durationSeconds",
               entity_counts AS "entityCounts", api_calls AS "apiCalls", retries, rate_limited AS "rateLimited",
               slept_ms AS "sleptMs", quarantined, error_tag AS "errorTag", error_message AS "errorMessage"
        FROM seatsync.v_run_health
        ${connectionId === undefined ? sql`` : sql`WHERE connection_id = ${connectionId}`}
        ORDER BY run_id DESC
        LIMIT ${Math.max(0, Math.floor(limit))}`
    })(undefined)
  ).pipe(Effect.withSpan("Reports.runHistory"))

export const ConnectionHealth = Schema.Struct({
  connectionId: ConnectionId,
  connectionName: Schema.String,
  orgId: Schema.String,
  schedule: Schema.String,
  timeZone: Schema.String,
  pausedAt: Schema.NullOr(Schema.DateFromSelf),
  pausedReason: Schema.NullOr(Schema.String),
  consecutiveFailures: Schema.Int,
  lastRunId: Schema.NullOr(RunIdFromString),
  lastRunStatus: Schema.NullOr(Status),
  lastRunStartedAt: Schema.NullOr(Schema.DateFromSelf),
  lastRunFinishedAt: Schema.NullOr(Schema.DateFromSelf),
  lastErrorTag: Schema.NullOr(Schema.String),
  lastErrorMessage: Schema.NullOr(Schema.String),
  lastSuccessAt: Schema.NullOr(Schema.DateFromSelf),
  /** `lastSuccessAt` as Unix seconds, to the microsecond the database keeps (a `Date` keeps milliseconds). */
  lastSuccessEpochSeconds: Schema.NullOr(Schema.Number)
})
export type ConnectionHealth = typeof ConnectionHealth.Type

/** `v_connection_health`: pause state, failure streak, last run and last success, of one connection or of all. */
export const connectionHealth = (
  connectionId?: ConnectionId
): Effect.Effect<ReadonlyArray<ConnectionHealth>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: ConnectionHealth,
      execute: () => sql`
        SELECT connection_id AS "connectionId", connection_name AS "connectionName", org_id AS "orgId", schedule,
               time_zone AS "timeZone", paused_at AS "pausedAt", paused_reason AS "pausedReason",
               consecutive_failures AS "consecutiveFailures", last_run_id AS "lastRunId",
               last_run_status AS "lastRunStatus", last_run_started_at AS "lastRunStartedAt",
               last_run_finished_at AS "lastRunFinishedAt", last_error_tag AS "lastErrorTag",
               last_error_message AS "lastErrorMessage", last_success_at AS "lastSuccessAt",
               extract(epoch FROM last_success_at)::float8 AS "lastSuccessEpochSeconds"
        FROM seatsync.v_connection_health
        ${connectionId === undefined ? sql`` : sql`WHERE connection_id = ${connectionId}`}
        ORDER BY connection_name`
    })(undefined)
  ).pipe(Effect.withSpan("Reports.connectionHealth"))

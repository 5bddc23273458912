/**
 * The run ledger: every sync run, from `running` to `succeeded`, `failed` or `interrupted`, with what it
 * cost (API calls, retries, 429s, time slept) and, when it failed, its error.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, Option, type ParseResult, Schema } from "effect"
import { SyncRunNotRunning } from "./Errors.js"
import { ConnectionId, type RunId, RunIdFromString } from "./Ids.js"
import { Reconciliation } from "./Reconciliation.js"
import * as Staging from "./Staging.js"

export {
  DirectoryUsers,
  drifted,
  EntityReconciliation,
  KeptEntity,
  Reconciliation
} from "./Reconciliation.js"

export const Status = Schema.Literal("running", "succeeded", "failed", "interrupted")
export type Status = typeof Status.Type

export const Trigger = Schema.Literal("cli", "worker", "demo")
export type Trigger = typeof Trigger.Type

/** What a run did and what it cost, recorded when it finishes. */
export interface RunStats {
  /** Rows seen per entity, e.g. `{ org_user: 1234 }`. */
  readonly entityCounts: Readonly<Record<string, number>>
  readonly apiCalls: number
  readonly retries: number
  /** Responses with status 429. */
  readonly rateLimited: number
  readonly sleptMs: number
  /** The organisation's counts against the run's enumeration, when the run got as far as reading them. */
  readonly reconciliation?: Reconciliation | undefined
}

export const emptyStats: RunStats = { entityCounts: {}, apiCalls: 0, retries: 0, rateLimited: 0, sleptMs: 0 }

/** A ledger row. Its encoded form is the row as node-postgres returns it (`bigint`s as strings). */
export class SyncRun extends Schema.Class<SyncRun>("SyncRun")({
  id: RunIdFromString,
  connectionId: ConnectionId,
  status: Status,
  trigger: Trigger,
  startedAt: Schema.DateFromSelf,
  finishedAt: Schema.NullOr(Schema.DateFromSelf),
  entityCounts: Schema.Record({ key: Schema.String, value: Schema.Number }),
  apiCalls: Schema.Int,
  retries: Schema.Int,
  rateLimited: Schema.Int,
  sleptMs: Schema.NumberFromString,
  /** The run's error as JSON (a tagged error's fields, `_tag` and `message`), when it failed. */
  error: Schema.NullOr(Schema.Unknown),
  /** The scheduled slot a worker run serves (the cron time it was due), null for unscheduled runs. */
  slot: Schema.NullOr(Schema.DateFromSelf),
  /** Expected (the organisation's counts) against listed and stored, per counted entity; see `Reconciliation`. */
  reconciliation: Schema.NullOr(Reconciliation)
}) {}

const selectColumns = `id, connection_id AS "connectionId", status, trigger, started_at AS "startedAt",
  finished_at AS "finishedAt", entity_counts AS "entityCounts", api_calls AS "apiCalls", retries,
  rate_limited AS "rateLimited", slept_ms AS "sleptMs", error, slot, reconciliation`

type Failure = SqlError.SqlError | ParseResult.ParseError

/** Records a new `running` run for the connection; returns its id. `slot` is the scheduled time it serves. */
export const start = (
  connectionId: ConnectionId,
  trigger: Trigger,
  slot?: Date | undefined
): Effect.Effect<RunId, Failure, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`
      INSERT INTO seatsync.sync_run (connection_id, trigger, slot)
      VALUES (${connectionId}, ${trigger}, ${slot ?? null})
      RETURNING id`
    return yield* Schema.decodeUnknown(RunIdFromString)(rows[0]?.id)
  }).pipe(Effect.withSpan("SyncRuns.start", { attributes: { connectionId, trigger } }))

/** Marks a running run `succeeded`. */
export const succeed = (runId: RunId, stats: RunStats) => finish(runId, "succeeded", stats, null)

/** Marks a running run `failed` with its error (serialised to JSON: fields, `_tag`, `message`). */
export const fail = (runId: RunId, error: unknown, stats: RunStats) => finish(runId, "failed", stats, error)

/** Marks a running run `interrupted` (Ctrl-C, shutdown). */
export const interrupt = (runId: RunId, stats: RunStats) => finish(runId, "interrupted", stats, null)

const finish = (
  runId: RunId,
  status: Exclude<Status, "running">,
  stats: RunStats,
  error: unknown
): Effect.Effect<SyncRun, Failure | SyncRunNotRunning, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`
      UPDATE seatsync.sync_run SET
        status = ${status},
        finished_at = now(),
        entity_counts = ${JSON.stringify(stats.entityCounts)}::jsonb,
        api_calls = ${stats.apiCalls},
        retries = ${stats.retries},
        rate_limited = ${stats.rateLimited},
        slept_ms = ${Math.round(stats.sleptMs)},
        error = ${error === null ? null : errorToJson(error)}::jsonb,
        reconciliation = ${stats.reconciliation === undefined ? null : JSON.stringify(stats.reconciliation)}::jsonb
      WHERE id = ${runId} AND status = 'running'
      RETURNING ${sql.literal(selectColumns)}`
    if (rows.length === 0) {
      const current = yield* findById(runId)
      return yield* new SyncRunNotRunning({
        runId,
        status: Option.match(current, { onNone: () => null, onSome: (run) => run.status })
      })
    }
    return yield* Schema.decodeUnknown(SyncRun)(rows[0])
  }).pipe(Effect.withSpan(`SyncRuns.${status}`, { attributes: { runId } }))

/** JSON for the `error` column: an `Error`'s own fields plus `name` and `message` (a getter on tagged errors). */
const errorToJson = (error: unknown): string => {
  const plain =
    error instanceof Error
      ? { ...Object.fromEntries(Object.entries(error)), name: error.name, message: error.message }
      : error
  try {
    return (
      JSON.stringify(plain, (_key, value: unknown) =>
        typeof value === "bigint" ? value.toString() : value
      ) ?? "null"
    )
  } catch {
    return JSON.stringify({ message: String(error) })
  }
}

/** The run with id `runId`, if any. */
export const findById = (runId: RunId): Effect.Effect<Option.Option<SyncRun>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findOne({
      Request: Schema.Number,
      Result: SyncRun,
      execute: (id) => sql`SELECT ${sql.literal(selectColumns)} FROM seatsync.sync_run WHERE id = ${id}`
    })(runId)
  )

/** The most recent runs, newest first, of one connection or of all. */
export const listRecent = (
  connectionId?: ConnectionId,
  limit = 20
): Effect.Effect<ReadonlyArray<SyncRun>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: SyncRun,
      execute: () => sql`
        SELECT ${sql.literal(selectColumns)} FROM seatsync.sync_run
        ${connectionId === undefined ? sql`` : sql`WHERE connection_id = ${connectionId}`}
        ORDER BY id DESC
        LIMIT ${Math.max(0, Math.floor(limit))}`
    })(undefined)
  )

/**
 * Marks the connection's runs still `running` (left by a crashed or killed process) `interrupted` and discards
 * their staging; returns their ids. Call under `Locks.withConnectionLock`, before starting a new run — holding
 * the lock proves no live process owns them. `exceptRunId` spares the caller's own run.
 */
export const markAbandoned = (
  connectionId: ConnectionId,
  exceptRunId?: RunId
): Effect.Effect<ReadonlyArray<RunId>, Failure, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql`
      UPDATE seatsync.sync_run SET
        status = 'interrupted',
        finished_at = now(),
        error = ${JSON.stringify({
          _tag: "Abandoned",
          message: "The run was left running by a process that stopped; a later run marked it interrupted"
        })}::jsonb
      WHERE connection_id = ${connectionId} AND status = 'running'
        ${exceptRunId === undefined ? sql`` : sql`AND id <> ${exceptRunId}`}
      RETURNING id`
    const ids = yield* Schema.decodeUnknown(Schema.Array(RunIdFromString))(rows.map((row) => row.id))
    for (const id of ids) yield* Staging.discardRun(id)
    return ids
  }).pipe(Effect.withSpan("SyncRuns.markAbandoned", { attributes: { connectionId } }))

/**
 * The latest scheduled slot that has a run (any outcome), per connection id: a slot is attempted once per
 * schedule; retries are the scheduler's. Uses the index `sync_run_slot_idx`.
 */
export const lastServedSlots: Effect.Effect<
  ReadonlyMap<ConnectionId, Date>,
  Failure,
  SqlClient.SqlClient
> = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  SqlSchema.findAll({
    Request: Schema.Void,
    Result: Schema.Struct({ connectionId: ConnectionId, slot: Schema.DateFromSelf }),
    execute: () => sql`
      SELECT connection_id::int AS "connectionId", max(slot) AS slot
      FROM seatsync.sync_run WHERE slot IS NOT NULL GROUP BY connection_id`
  })(undefined)
).pipe(Effect.map((rows) => new Map(rows.map((row) => [row.connectionId, row.slot]))))

/** Whether the connection's scheduled `slot` already has a succeeded run (a retried job never syncs twice). */
export const slotSucceeded = (
  connectionId: ConnectionId,
  slot: Date
): Effect.Effect<boolean, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.single({
      Request: Schema.Struct({ connectionId: ConnectionId, slot: Schema.DateFromSelf }),
      Result: Schema.Struct({ found: Schema.Boolean }),
      execute: (request) => sql`
        SELECT EXISTS (
          SELECT 1 FROM seatsync.sync_run
          WHERE connection_id = ${request.connectionId} AND slot = ${request.slot} AND status = 'succeeded'
        ) AS found`
    })({ connectionId, slot })
  ).pipe(
    Effect.map((row) => row.found),
    Effect.catchTag("NoSuchElementException", () => Effect.succeed(false))
  )

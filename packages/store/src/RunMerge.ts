/**
 * The end of a successful run, in ONE transaction: the deletion guard, every entity's merge with its
 * `change_log`, today's `seat_ledger`, the run's staging cleanup and the run marked `succeeded` with its
 * counts. Any failure rolls all of it back, leaving every live table as it was.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"
import { definitions, type Entity, type EntityDefinition, entities } from "./Entities.js"
import { DeletionGuardTripped, SyncRunNotRunning } from "./Errors.js"
import * as GuardSeats from "./GuardSeats.js"
import type { ConnectionId, RunId } from "./Ids.js"
import { analyzeStage, deletionCounts, type MergeResult, mergeEntity } from "./internal/entityMerge.js"
import * as SyncRuns from "./SyncRuns.js"

export type { MergeResult } from "./internal/entityMerge.js"

/** The default share of an entity's live rows one run may soft-delete. */
export const defaultDeletionGuardShare = 0.2

/** The default grace period (days since added to the organisation) before a seat can be reclaimable. */
export const defaultGraceDays = 14

export interface MergeRunOptions {
  /** Per entity: did its enumeration arrive in full? Only complete entities soft-delete absent rows. */
  readonly complete: Partial<Record<Entity, boolean>>
  /** Skip the deletion guard (the operator confirmed the removals). */
  readonly force?: boolean
  /** Share (0–1) of an entity's live rows a run may soft-delete; default 0.2. */
  readonly deletionGuardShare?: number
  /** The day the seat ledger row is for (its UTC date), and the moment activity is measured against. */
  readonly today: Date
  /** Grace days for `recently_added`; default 14. */
  readonly graceDays?: number
  /** What the run cost, recorded with the merge counts; `entityCounts` are added to the merge's own. */
  readonly stats?: SyncRuns.RunStats
  /**
   * The managed accounts Atlassian Guard bills (`access_billable`), when the run counted them: the Guard
   * product's seats for the day (`GuardSeats`). Null or absent: not counted, so no Guard row that day.
   */
  readonly guardBillable?: number | null
}

export interface MergeRunResult {
  readonly entities: Readonly<Record<Entity, MergeResult>>
  /** Seat-ledger rows written or changed for the day (at most one per live product). */
  readonly ledgerRows: number
  /** Records the run quarantined. */
  readonly quarantined: number
  readonly run: SyncRuns.SyncRun
}

type Failure = SqlError.SqlError | ParseResult.ParseError

/** `org_user.inserted`-style counters for the ledger. */
const flatten = (results: Readonly<Record<Entity, MergeResult>>): Record<string, number> =>
  Object.fromEntries(
    entities.flatMap((entity) =>
      Object.entries(results[entity]).map(([kind, count]) => [`${entity}.${kind}`, count] as const)
    )
  )

/** The live tables the seat ledger's query reads right after the merge: analysed by every merge. */
const analysedForTheLedger: ReadonlySet<Entity> = new Set([
  "product",
  "org_user",
  "product_role",
  "product_activity"
])

const utcDay = (date: Date): string => date.toISOString().slice(0, 10)

/**
 * Merges everything the run staged. Fails with `SyncRunNotRunning` unless the run is `running` for this
 * connection, and with `DeletionGuardTripped` (changing nothing) when a complete entity would lose more than
 * the allowed share of its live rows and `force` is not set. Call under `Locks.withConnectionLock`.
 */
export const mergeRun = (
  runId: RunId,
  connectionId: ConnectionId,
  options: MergeRunOptions
): Effect.Effect<MergeRunResult, Failure | SyncRunNotRunning | DeletionGuardTripped, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const share = options.deletionGuardShare ?? defaultDeletionGuardShare
    const complete = (entity: Entity) => options.complete[entity] === true

    const run = yield* sql<{ readonly status: string }>`
      SELECT status FROM seatsync.sync_run
      WHERE id = ${runId} AND connection_id = ${connectionId}
      FOR UPDATE`
    const status = run[0]?.status ?? null
    if (status !== "running") return yield* new SyncRunNotRunning({ runId, status })
    yield* GuardSeats.prepareMerge(runId, connectionId, options.guardBillable ?? null, options.today)

    // Every guard before any write: a tripped guard costs no work to roll back.
    if (options.force !== true) {
      for (const entity of entities) {
        const def: EntityDefinition<unknown> = definitions[entity] as EntityDefinition<unknown>
        if (!complete(entity) || !def.deletable) continue
        const { wouldDelete, live } = yield* deletionCounts(def, runId, connectionId)
        if (wouldDelete > 0 && wouldDelete > live * share) {
          return yield* new DeletionGuardTripped({ entity, wouldDelete, live, share })
        }
      }
    }

    const results = {} as Record<Entity, MergeResult>
    for (const entity of entities) {
      // The merge may have just written most of these tables: without fresh statistics the planner takes them
      // for empty and joins them row by row (minutes for a few thousand users); ANALYZE samples, so it stays
      // cheap. Each is analysed right after its own merge, so the locks come in the entities' order (see
      // mergeEntity): analysing them all at the end, after org_user's lock was taken, let two merges deadlock.
      results[entity] = yield* mergeEntity(
        definitions[entity] as EntityDefinition<unknown>,
        runId,
        connectionId,
        complete(entity),
        analysedForTheLedger.has(entity)
      )
    }

    const connection = yield* sql<{ readonly inactiveAfterDays: number }>`
      SELECT inactive_after_days AS "inactiveAfterDays" FROM seatsync.connection WHERE id = ${connectionId}`
    const ledger = yield* sql<{ readonly n: number }>`
      WITH written AS (
        INSERT INTO seatsync.seat_ledger AS l (connection_id, product_id, day, run_id, capacity, assigned, billable,
          active_30, active_60, active_90, never_active, reclaimable)
        SELECT ${connectionId}::integer, c.product_id, ${utcDay(options.today)}::date, ${runId}::bigint, c.capacity,
               c.assigned, c.billable, c.active_30, c.active_60, c.active_90, c.never_active, c.reclaimable
        FROM seatsync.seat_counts(${connectionId}::integer, ${options.today}::timestamptz,
                                  ${connection[0]?.inactiveAfterDays ?? 90}::integer,
                                  ${options.graceDays ?? defaultGraceDays}::integer) AS c
        ON CONFLICT (connection_id, product_id, day) DO UPDATE SET
          run_id = excluded.run_id, capacity = excluded.capacity, assigned = excluded.assigned,
          billable = excluded.billable, active_30 = excluded.active_30, active_60 = excluded.active_60,
          active_90 = excluded.active_90, never_active = excluded.never_active, reclaimable = excluded.reclaimable
        -- An unchanged day is not rewritten (run_id names the run that last changed it).
        WHERE (l.capacity, l.assigned, l.billable, l.active_30, l.active_60, l.active_90, l.never_active,
               l.reclaimable)
          IS DISTINCT FROM (excluded.capacity, excluded.assigned, excluded.billable, excluded.active_30,
               excluded.active_60, excluded.active_90, excluded.never_active, excluded.reclaimable)
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM written`

    for (const entity of entities) {
      yield* sql`DELETE FROM ${sql.literal(`seatsync.${definitions[entity].table}_stage`)} WHERE run_id = ${runId}`
    }

    const quarantinedRows = yield* sql<{ readonly n: number }>`
      SELECT count(*)::int AS n FROM seatsync.quarantine WHERE connection_id = ${connectionId} AND run_id = ${runId}`
    const quarantined = quarantinedRows[0]?.n ?? 0
    const stats = options.stats ?? SyncRuns.emptyStats
    const finished = yield* SyncRuns.succeed(runId, {
      ...stats,
      entityCounts: { ...stats.entityCounts, ...flatten(results), quarantined }
    })
    return { entities: results, ledgerRows: ledger[0]?.n ?? 0, quarantined, run: finished }
  }).pipe(
    (merge) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        // Outside the transaction so that ANALYZE's lock is released at once (unless the caller holds one).
        Effect.zipRight(
          Effect.forEach(
            entities,
            (entity) => analyzeStage(definitions[entity] as EntityDefinition<unknown>),
            {
              discard: true
            }
          ),
          sql.withTransaction(merge)
        )
      ),
    Effect.withSpan("RunMerge.mergeRun", { attributes: { runId, connectionId } })
  )

/** Decodes nothing; re-exported so callers can name the schema of counts if they persist them. */
export const MergeCounts = Schema.Struct({
  inserted: Schema.Int,
  updated: Schema.Int,
  restored: Schema.Int,
  deleted: Schema.Int,
  unchanged: Schema.Int
})

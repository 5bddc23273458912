/**
 * The set-based merge of one entity's staged rows into its live table, inside the caller's transaction:
 * update changed, restore returning, insert new, soft-delete absent — each with its `change_log` rows.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect } from "effect"
import type { EntityDefinition } from "../Entities.js"
import type { ConnectionId, RunId } from "../Ids.js"
import { keyJoin, keyJson, list, stagedColumns } from "./columns.js"

/** What a merge did to one entity, counted in rows. */
export interface MergeResult {
  /** New rows (first seen). */
  readonly inserted: number
  /** Live rows whose content changed. */
  readonly updated: number
  /** Soft-deleted rows that came back (their content is refreshed too). */
  readonly restored: number
  /** Live rows absent from a complete run, now soft-deleted. */
  readonly deleted: number
  /** Staged rows identical to their live row: not written at all. */
  readonly unchanged: number
}

const one = (rows: ReadonlyArray<Record<string, unknown>>, name: string): number => {
  const value = rows[0]?.[name]
  return typeof value === "number" ? value : Number(value ?? 0)
}

/** `(u.a, u.b) IS DISTINCT FROM (s.a, s.b)`, or false for an entity without content. */
const contentDiffers = <A>(def: EntityDefinition<A>, live: string, staged: string): string =>
  def.content.length === 0
    ? "false"
    : `(${list(def.content, (c) => `${live}.${c}`)}) IS DISTINCT FROM (${list(def.content, (c) => `${staged}.${c}`)})`

/** `{column: {old, new}}` of every changed content column. */
const changesJson = <A>(def: EntityDefinition<A>): string =>
  def.content.length === 0
    ? "'{}'::jsonb"
    : def.content
        .map(
          ({ column: c }) =>
            `CASE WHEN u.${c} IS DISTINCT FROM s.${c}
               THEN jsonb_build_object('${c}', jsonb_build_object('old', to_jsonb(u.${c}), 'new', to_jsonb(s.${c})))
               ELSE '{}'::jsonb END`
        )
        .join(" || ")

/** Live rows absent from the run's staging: what a complete run would soft-delete, and how many are live. */
export const deletionCounts = <A>(
  def: EntityDefinition<A>,
  runId: RunId,
  connectionId: ConnectionId
): Effect.Effect<
  { readonly wouldDelete: number; readonly live: number },
  SqlError.SqlError,
  SqlClient.SqlClient
> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<Record<string, unknown>>`
        SELECT count(*)::int AS live,
               count(*) FILTER (WHERE NOT EXISTS (
                 SELECT 1 FROM ${sql.literal(`seatsync.${def.table}_stage`)} AS s
                 WHERE s.run_id = ${runId} AND ${sql.literal(keyJoin(def, "s", "u"))}))::int AS would_delete
        FROM ${sql.literal(`seatsync.${def.table}`)} AS u
        WHERE u.connection_id = ${connectionId} AND u.deleted_at IS NULL`,
      (rows) => ({ wouldDelete: one(rows, "would_delete"), live: one(rows, "live") })
    )
  )

/** Merges one entity; call inside a transaction. Deletes only when `complete` and the entity is deletable. */
export const mergeEntity = <A>(
  def: EntityDefinition<A>,
  runId: RunId,
  connectionId: ConnectionId,
  complete: boolean,
  /** ANALYZE the live table after this entity's inserts even when they were few (the reports read it next). */
  alwaysAnalyze = false
): Effect.Effect<MergeResult, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const live = sql.literal(`seatsync.${def.table}`)
    const stage = sql.literal(`seatsync.${def.table}_stage`)
    const entity = def.entity
    const columns = stagedColumns(def)
    const written = [...def.content, ...def.carried]

    const staged = one(
      yield* sql<Record<string, unknown>>`
        SELECT count(*)::int AS staged FROM ${stage} WHERE run_id = ${runId} AND connection_id = ${connectionId}`,
      "staged"
    )

    // Changed and restored rows, their change_log entries and the update itself, in one statement; `diff`
    // reads the live rows as they were before the update.
    const changed = yield* sql<Record<string, unknown>>`
      WITH diff AS (
        SELECT ${sql.literal(list(columns, (c) => `s.${c}`))},
               u.deleted_at IS NOT NULL AS was_deleted,
               ${sql.literal(changesJson(def))} AS changes
        FROM ${stage} AS s
        JOIN ${live} AS u ON u.connection_id = ${connectionId} AND ${sql.literal(keyJoin(def, "u", "s"))}
        WHERE s.run_id = ${runId} AND s.connection_id = ${connectionId}
          AND (u.deleted_at IS NOT NULL OR ${sql.literal(contentDiffers(def, "u", "s"))})
          ${sql.literal(def.updateWhen === null ? "" : `AND ${def.updateWhen}`)}
      ),
      updated AS (
        UPDATE ${live} AS u SET
          ${sql.literal(written.length === 0 ? "" : `${list(written, (c) => `${c} = d.${c}`)},`)}
          last_seen_run = ${runId}::bigint,
          deleted_at = NULL
        FROM diff AS d
        WHERE u.connection_id = ${connectionId} AND ${sql.literal(keyJoin(def, "u", "d"))}
        RETURNING 1
      ),
      logged AS (
        INSERT INTO seatsync.change_log (connection_id, run_id, entity, entity_key, kind, changes)
        SELECT ${connectionId}::integer, ${runId}::bigint, ${entity}, ${sql.literal(keyJson(def, "d"))},
               CASE WHEN d.was_deleted THEN 'restore' ELSE 'update' END, d.changes
        FROM diff AS d
        RETURNING 1
      )
      SELECT count(*) FILTER (WHERE NOT was_deleted)::int AS updated,
             count(*) FILTER (WHERE was_deleted)::int AS restored,
             (SELECT count(*) FROM updated)::int AS written
      FROM diff`

    const inserted = yield* sql<Record<string, unknown>>`
      WITH inserted AS (
        INSERT INTO ${live} (connection_id, ${sql.literal(list(columns, (c) => c))}, first_seen_run, last_seen_run)
        SELECT ${connectionId}::integer, ${sql.literal(list(columns, (c) => `s.${c}`))}, ${runId}::bigint, ${runId}::bigint
        FROM ${stage} AS s
        WHERE s.run_id = ${runId} AND s.connection_id = ${connectionId}
          -- Existing rows (live or soft-deleted) were handled above: a hash anti-join skips them cheaply; the
          -- ON CONFLICT clause is only a safety net.
          AND NOT EXISTS (
            SELECT 1 FROM ${live} AS u
            WHERE u.connection_id = ${connectionId} AND ${sql.literal(keyJoin(def, "u", "s"))})
        ON CONFLICT DO NOTHING
        RETURNING ${sql.literal(list(def.keys, (c) => c))}
      ),
      logged AS (
        INSERT INTO seatsync.change_log (connection_id, run_id, entity, entity_key, kind)
        SELECT ${connectionId}::integer, ${runId}::bigint, ${entity}, ${sql.literal(keyJson(def, "i"))}, 'insert'
        FROM inserted AS i
        RETURNING 1
      )
      SELECT count(*)::int AS inserted FROM inserted`

    // The live table may just have grown by a whole organisation inside this transaction; fresh statistics
    // (ANALYZE sees our own uncommitted rows) keep the deletion anti-join and later reports on hash joins.
    // ANALYZE's lock is held to the end of the caller's transaction and conflicts with another ANALYZE of
    // the same table. After a large insert the statistics are worth waiting for: those locks are taken in
    // one order — the entities', as RunMerge merges them — so two merges of different connections never
    // deadlock. Otherwise (a routine refresh for the reports) a table another merge is analysing is skipped:
    // merges of a fleet's connections do not queue behind each other's statistics.
    if (one(inserted, "inserted") > 1000) yield* sql`ANALYZE ${live}`
    else if (alwaysAnalyze) yield* sql`ANALYZE (SKIP_LOCKED) ${live}`

    const deleted =
      complete && def.deletable
        ? yield* sql<Record<string, unknown>>`
            WITH deleted AS (
              UPDATE ${live} AS u SET deleted_at = now()
              WHERE u.connection_id = ${connectionId} AND u.deleted_at IS NULL
                AND NOT EXISTS (
                  SELECT 1 FROM ${stage} AS s
                  WHERE s.run_id = ${runId} AND ${sql.literal(keyJoin(def, "s", "u"))})
              RETURNING ${sql.literal(list(def.keys, (c) => `u.${c}`))}
            ),
            logged AS (
              INSERT INTO seatsync.change_log (connection_id, run_id, entity, entity_key, kind)
              SELECT ${connectionId}::integer, ${runId}::bigint, ${entity}, ${sql.literal(keyJson(def, "d"))}, 'delete'
              FROM deleted AS d
              RETURNING 1
            )
            SELECT count(*)::int AS deleted FROM deleted`
        : [{ deleted: 0 }]

    const result: MergeResult = {
      inserted: one(inserted, "inserted"),
      updated: one(changed, "updated"),
      restored: one(changed, "restored"),
      deleted: one(deleted, "deleted"),
      unchanged: 0
    }
    return { ...result, unchanged: staged - result.inserted - result.updated - result.restored }
  }).pipe(
    Effect.withSpan("mergeEntity", { attributes: { entity: def.entity, runId, connectionId, complete } })
  )

/** Fresh planner statistics on a just-filled staging table keep merges on hash joins. */
export const analyzeStage = <A>(
  def: EntityDefinition<A>
): Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.asVoid(sql`ANALYZE ${sql.literal(`seatsync.${def.table}_stage`)}`)
  )

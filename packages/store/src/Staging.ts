/**
 * Run-scoped staging for every entity: batches of canonical records streamed with `COPY … FROM STDIN` through
 * the database layer's pool (or, without one, one `INSERT … SELECT FROM unnest(…)` per batch), and their
 * disposal when a run fails.
 */
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { SqlClient, SqlError, type Statement } from "@effect/sql"
import { Effect, Option } from "effect"
import type Pg from "pg"
import { from as copyFrom } from "pg-copy-streams"
import { definitions, type Entity, type EntityDefinition, type EntityRecord, entities } from "./Entities.js"
import type { ConnectionId, RunId } from "./Ids.js"
import { arrayLiteral, copyField, list, stagedColumns } from "./internal/columns.js"
import { isUniqueViolation } from "./internal/sqlErrors.js"
import { PgPool } from "./PgPool.js"

/** A record's key as one string (its key fields joined by NUL). */
const keyOf = <A>(def: EntityDefinition<A>, record: A): string =>
  def.keys.map(({ field }) => String(record[field])).join("\u0000")

/** The batch's records, the last version of each key only (pages shift while an organisation changes). */
const latestByKey = <A>(def: EntityDefinition<A>, records: ReadonlyArray<A>): ReadonlyArray<A> => {
  if (records.length === 0) return []
  const byKey = new Map<string, A>()
  for (const record of records) byKey.set(keyOf(def, record), record)
  return byKey.size === records.length ? records : [...byKey.values()]
}

/** One `INSERT … SELECT FROM unnest(…)`: one array parameter per column, whatever the batch size. */
const unnestInto = <A>(
  def: EntityDefinition<A>,
  runId: RunId,
  connectionId: ConnectionId,
  latest: ReadonlyArray<A>
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const columns = stagedColumns(def)
    const names = list(columns, (c) => c)
    // Each array travels as one literal string parameter, cast on arrival; a text[] column arrives as text[]
    // of text[] literals (unnest would flatten a two-dimensional array) and is cast per row.
    const arrays = columns.map(
      (column) =>
        sql`${arrayLiteral(column, latest)}::${sql.literal(column.type === "text[]" ? "text" : column.type)}[]`
    )
    const values = columns.map(({ column, type }) =>
      sql.literal(type === "text[]" ? `t.${column}::text[]` : `t.${column}`)
    )
    const insert = (onConflict: Statement.Fragment) => sql`
      INSERT INTO ${sql.literal(`seatsync.${def.table}_stage`)} (run_id, connection_id, ${sql.literal(names)})
      SELECT ${runId}::bigint, ${connectionId}::integer, ${sql.csv(values)}
      FROM unnest(${sql.csv(arrays)}) AS t(${sql.literal(names)})
      ${onConflict}`
    const updates = [...def.content, ...def.carried]
    // ON CONFLICT's speculative insertion costs ~40% more than a plain INSERT: try the plain one in a
    // (sub)transaction first and fall back when a key was already staged by an earlier batch.
    yield* sql
      .withTransaction(insert(sql``))
      .pipe(
        Effect.catchIf(isUniqueViolation, () =>
          insert(
            sql`ON CONFLICT (run_id, ${sql.literal(list(def.keys, (c) => c))}) ${sql.literal(
              updates.length === 0
                ? "DO NOTHING"
                : `DO UPDATE SET ${list(updates, (c) => `${c} = excluded.${c}`)}`
            )}`
          )
        )
      )
    return latest.length
  })

/** Rows per chunk handed to the COPY stream: large enough to amortise, small enough to keep memory flat. */
const COPY_CHUNK = 1000

/**
 * `COPY <table>_stage FROM STDIN` on a pool connection of its own (so outside any transaction of the caller;
 * staging never needs one). A duplicate key fails the whole COPY, which then changes nothing.
 */
const copyInto = <A>(
  pool: Pg.Pool,
  def: EntityDefinition<A>,
  runId: RunId,
  connectionId: ConnectionId,
  latest: ReadonlyArray<A>
): Effect.Effect<number, SqlError.SqlError> => {
  const columns = stagedColumns(def)
  const prefix = `${runId}\t${connectionId}\t`
  function* chunks() {
    for (let start = 0; start < latest.length; start += COPY_CHUNK) {
      let text = ""
      const end = Math.min(latest.length, start + COPY_CHUNK)
      for (let i = start; i < end; i++) {
        const record = latest[i] as A
        text += prefix
        for (let c = 0; c < columns.length; c++) {
          if (c > 0) text += "\t"
          text += copyField(columns[c] as (typeof columns)[number], record)
        }
        text += "\n"
      }
      yield text
    }
  }
  return Effect.tryPromise({
    try: async (signal) => {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        const stream = client.query(
          copyFrom(
            `COPY seatsync.${def.table}_stage (run_id, connection_id, ${list(columns, (c) => c)}) FROM STDIN`
          )
        )
        const abort = () => stream.destroy(new Error("staging was interrupted"))
        signal.addEventListener("abort", abort, { once: true })
        try {
          await pipeline(Readable.from(chunks()), stream)
        } finally {
          signal.removeEventListener("abort", abort)
        }
        return latest.length
      } catch (cause) {
        // A COPY cut short leaves the session mid-protocol: destroy it rather than return it to the pool.
        broken = signal.aborted ? new Error("interrupted") : undefined
        throw cause
      } finally {
        client.release(broken)
      }
    },
    catch: (cause) =>
      new SqlError.SqlError({ cause, message: `Failed to COPY into seatsync.${def.table}_stage` })
  })
}

/** COPY when the layer exposes its pool, `unnest` otherwise; a key already staged by an earlier batch falls
 * back to the `unnest` upsert for that batch. */
const stageWith = <A>(
  def: EntityDefinition<A>,
  runId: RunId,
  connectionId: ConnectionId,
  records: ReadonlyArray<A>
) =>
  Effect.gen(function* () {
    const latest = latestByKey(def, records)
    if (latest.length === 0) return 0
    const pool = yield* Effect.serviceOption(PgPool)
    return yield* Option.match(pool, {
      onNone: () => unnestInto(def, runId, connectionId, latest),
      onSome: (pool) =>
        copyInto(pool, def, runId, connectionId, latest).pipe(
          Effect.catchIf(isUniqueViolation, () => unnestInto(def, runId, connectionId, latest))
        )
    })
  })

/**
 * Stages one batch of a run's records of `entity`; returns the number of distinct keys written. A key staged
 * again (in this batch or a later one) keeps its last version. Call once per bounded batch (e.g. 5,000).
 */
export const stage = <E extends Entity>(
  entity: E,
  runId: RunId,
  connectionId: ConnectionId,
  records: ReadonlyArray<EntityRecord[E]>
): Effect.Effect<number, SqlError.SqlError, SqlClient.SqlClient> =>
  stageWith(definitions[entity] as EntityDefinition<EntityRecord[E]>, runId, connectionId, records).pipe(
    Effect.withSpan("Staging.stage", { attributes: { entity, runId, connectionId, records: records.length } })
  )

/** Drops every staged row of a run (it failed, was interrupted or was abandoned); returns how many. */
export const discardRun = (runId: RunId): Effect.Effect<number, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    let discarded = 0
    for (const entity of entities) {
      const rows = yield* sql<{ readonly n: number }>`
        WITH gone AS (
          DELETE FROM ${sql.literal(`seatsync.${definitions[entity].table}_stage`)} WHERE run_id = ${runId} RETURNING 1
        )
        SELECT count(*)::int AS n FROM gone`
      discarded += rows[0]?.n ?? 0
    }
    return discarded
  }).pipe(Effect.withSpan("Staging.discardRun", { attributes: { runId } }))

/** What staging one batch of a listing found: records written, and records whose key was already listed. */
export interface ListedBatch {
  /** Distinct keys written to the run's staging. */
  readonly staged: number
  /** Records whose key came earlier in the same run (this batch or an earlier one): never written twice. */
  readonly repeated: number
  /** One repeated key, its key fields joined by `/`, to name in an error. */
  readonly repeatedKey: string | undefined
}

/**
 * Stages one batch of records of a listing that must name each key once per run (every record of a user,
 * group or workspace listing; every holder of a product role). A key repeated inside the batch, or already
 * staged by an earlier batch of the run, is counted (and its first version kept) instead of overwriting: the
 * staging table's unique index `(run_id, key)` is the record of what the run has listed so far, so the check
 * costs no memory however large the organisation. The caller decides what a repeat means.
 */
export const stageListed = <E extends Entity>(
  entity: E,
  runId: RunId,
  connectionId: ConnectionId,
  records: ReadonlyArray<EntityRecord[E]>
): Effect.Effect<ListedBatch, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const def = definitions[entity] as EntityDefinition<EntityRecord[E]>
    const firsts = new Map<string, EntityRecord[E]>()
    let repeatedKey: string | undefined
    for (const record of records) {
      const key = keyOf(def, record)
      if (firsts.has(key)) repeatedKey ??= key
      else firsts.set(key, record)
    }
    const distinct = firsts.size === records.length ? records : [...firsts.values()]
    const inBatch = records.length - distinct.length
    if (distinct.length === 0) return { staged: 0, repeated: 0, repeatedKey: undefined }
    const pool = yield* Effect.serviceOption(PgPool)
    const plain = Option.match(pool, {
      onNone: () => insertPlain(def, runId, connectionId, distinct),
      onSome: (pool) => copyInto(pool, def, runId, connectionId, distinct)
    })
    // The usual case is one plain COPY; a unique violation means a key came in an earlier batch.
    const written = yield* plain.pipe(
      Effect.map((count) => ({ count, earlierKey: undefined as string | undefined })),
      Effect.catchIf(isUniqueViolation, () => insertNew(def, runId, connectionId, distinct))
    )
    const across = distinct.length - written.count
    return {
      staged: written.count,
      repeated: inBatch + across,
      repeatedKey: (repeatedKey ?? written.earlierKey)?.replaceAll("\u0000", "/")
    }
  }).pipe(
    Effect.withSpan("Staging.stageListed", {
      attributes: { entity, runId, connectionId, records: records.length }
    })
  )

/** The batch as one plain `INSERT … SELECT FROM unnest(…)` in a subtransaction (fails on any staged key). */
const insertPlain = <A>(
  def: EntityDefinition<A>,
  runId: RunId,
  connectionId: ConnectionId,
  records: ReadonlyArray<A>
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql.withTransaction(unnestStatement(sql, def, runId, connectionId, records, sql``))
    return records.length
  })

/** The batch's keys not yet staged, inserted; returns how many and one key that was already there. */
const insertNew = <A>(
  def: EntityDefinition<A>,
  runId: RunId,
  connectionId: ConnectionId,
  records: ReadonlyArray<A>
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const keys = list(def.keys, (c) => c)
    const rows = yield* sql<Record<string, unknown>>`${unnestStatement(
      sql,
      def,
      runId,
      connectionId,
      records,
      sql`ON CONFLICT (run_id, ${sql.literal(keys)}) DO NOTHING RETURNING ${sql.literal(keys)}`
    )}`
    const inserted = new Set(
      rows.map((row) => def.keys.map(({ column }) => String(row[column])).join("\u0000"))
    )
    const earlierKey = records.map((record) => keyOf(def, record)).find((key) => !inserted.has(key))
    return { count: rows.length, earlierKey }
  })

/** `INSERT INTO <table>_stage … SELECT FROM unnest(…)` followed by `tail` (an ON CONFLICT clause or nothing). */
const unnestStatement = <A>(
  sql: SqlClient.SqlClient,
  def: EntityDefinition<A>,
  runId: RunId,
  connectionId: ConnectionId,
  records: ReadonlyArray<A>,
  tail: Statement.Fragment
) => {
  const columns = stagedColumns(def)
  const names = list(columns, (c) => c)
  const arrays = columns.map(
    (column) =>
      sql`${arrayLiteral(column, records)}::${sql.literal(column.type === "text[]" ? "text" : column.type)}[]`
  )
  const values = columns.map(({ column, type }) =>
    sql.literal(type === "text[]" ? `t.${column}::text[]` : `t.${column}`)
  )
  return sql`
    INSERT INTO ${sql.literal(`seatsync.${def.table}_stage`)} (run_id, connection_id, ${sql.literal(names)})
    SELECT ${runId}::bigint, ${connectionId}::integer, ${sql.csv(values)}
    FROM unnest(${sql.csv(arrays)}) AS t(${sql.literal(names)})
    ${tail}`
}

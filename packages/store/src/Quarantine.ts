/**
 * The run's quarantine: source records that failed normalisation, stored with the reason instead of being
 * dropped, and counted in the run.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import type { Rejected } from "@seatsync/normalise"
import { Effect, type ParseResult, Schema } from "effect"
import type { ConnectionId, RunId } from "./Ids.js"
import { textArray } from "./internal/pgArray.js"

/** A stored rejection. */
export const QuarantinedRecord = Schema.Struct({
  entity: Schema.String,
  sourceKey: Schema.NullOr(Schema.String),
  reason: Schema.String,
  record: Schema.Unknown,
  recordedAt: Schema.DateFromSelf
})
export type QuarantinedRecord = typeof QuarantinedRecord.Type

const json = (value: unknown): string | null => {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? null
  } catch {
    return JSON.stringify(String(value))
  }
}

/** Stores a batch of rejections in one statement; returns how many. */
export const record = (
  runId: RunId,
  connectionId: ConnectionId,
  rejected: ReadonlyArray<Rejected>
): Effect.Effect<number, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    if (rejected.length === 0) return 0
    const sql = yield* SqlClient.SqlClient
    yield* sql`
      INSERT INTO seatsync.quarantine (connection_id, run_id, entity, source_key, reason, record)
      SELECT ${connectionId}::integer, ${runId}::bigint, t.entity, t.source_key, t.reason, t.record::jsonb
      FROM unnest(${textArray(rejected.map((r) => r.entity))}::text[],
                  ${textArray(rejected.map((r) => r.sourceKey))}::text[],
                  ${textArray(rejected.map((r) => r.reason))}::text[],
                  ${textArray(rejected.map((r) => json(r.record)))}::text[])
        AS t(entity, source_key, reason, record)`
    return rejected.length
  }).pipe(
    Effect.withSpan("Quarantine.record", { attributes: { runId, connectionId, records: rejected.length } })
  )

/** How many records a run quarantined. */
export const count = (runId: RunId): Effect.Effect<number, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM seatsync.quarantine WHERE run_id = ${runId}`,
      (rows) => rows[0]?.n ?? 0
    )
  )

/** A run's quarantined records, oldest first. */
export const list = (
  runId: RunId,
  limit = 100
): Effect.Effect<
  ReadonlyArray<QuarantinedRecord>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: QuarantinedRecord,
      execute: () => sql`
        SELECT entity, source_key AS "sourceKey", reason, record, recorded_at AS "recordedAt"
        FROM seatsync.quarantine WHERE run_id = ${runId}
        ORDER BY id LIMIT ${Math.max(0, Math.floor(limit))}`
    })(undefined)
  )

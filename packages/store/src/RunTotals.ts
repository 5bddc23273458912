/**
 * The run ledger (`sync_run`) summed per connection and status: how many runs, what they cost in API calls,
 * retries, 429s and sleep, how long the finished ones took (as cumulative histogram buckets) and how many
 * records they staged per entity. One row per (connection, status) pair whatever the number of runs, so a
 * metrics scrape reads the whole fleet's history in one statement and every replica reports the same.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"
import { ConnectionId } from "./Ids.js"
import { Status } from "./SyncRuns.js"

export const RunTotals = Schema.Struct({
  connectionId: ConnectionId,
  connectionName: Schema.String,
  status: Status,
  runs: Schema.Int,
  apiCalls: Schema.Number,
  retries: Schema.Number,
  rateLimited: Schema.Number,
  sleptSeconds: Schema.Number,
  /** Runs of this status that have a `finished_at` (all of them unless `status` is `running`). */
  finished: Schema.Int,
  /** Summed duration of the finished runs, start to finish. */
  durationSeconds: Schema.Number,
  /**
   * Finished runs lasting at most each of the given bucket bounds, in the bounds' order (one count per bound);
   * empty when none of the runs has finished.
   */
  durationBucketCounts: Schema.Array(Schema.Int),
  /** `entity_counts` summed by entity (numeric entries only). */
  records: Schema.Record({ key: Schema.String, value: Schema.Number })
})
export type RunTotals = typeof RunTotals.Type

/**
 * Every connection's runs summed per status, ordered by connection name then status. `durationBuckets` are
 * the upper bounds (seconds, ascending) of the duration histogram; `+Inf` is `finished`. Counts and sums
 * are cast to int/float8 so that node-postgres returns numbers.
 */
export const byConnectionAndStatus = (
  durationBuckets: ReadonlyArray<number>
): Effect.Effect<ReadonlyArray<RunTotals>, SqlError.SqlError | ParseResult.ParseError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: RunTotals,
      execute: () => sql`
        WITH totals AS (
          SELECT r.connection_id, r.status, count(*)::int AS runs,
                 sum(r.api_calls)::float8 AS api_calls, sum(r.retries)::float8 AS retries,
                 sum(r.rate_limited)::float8 AS rate_limited, (sum(r.slept_ms) / 1000.0)::float8 AS slept_seconds,
                 count(r.finished_at)::int AS finished,
                 coalesce(sum(extract(epoch FROM r.finished_at - r.started_at)), 0)::float8 AS duration_seconds
          FROM seatsync.sync_run AS r
          GROUP BY r.connection_id, r.status
        ), buckets AS (
          SELECT b.connection_id, b.status, array_agg(b.runs ORDER BY b.le) AS counts
          FROM (
            SELECT r.connection_id, r.status, bound.le,
                   count(*) FILTER (WHERE extract(epoch FROM r.finished_at - r.started_at) <= bound.le)::int AS runs
            FROM seatsync.sync_run AS r
            CROSS JOIN unnest(${`{${durationBuckets.join(",")}}`}::float8[]) AS bound (le)
            WHERE r.finished_at IS NOT NULL
            GROUP BY r.connection_id, r.status, bound.le
          ) AS b
          GROUP BY b.connection_id, b.status
        ), records AS (
          SELECT e.connection_id, e.status, jsonb_object_agg(e.entity, e.total) AS totals
          FROM (
            SELECT r.connection_id, r.status, entry.key AS entity, sum((entry.value #>> '{}')::float8) AS total
            FROM seatsync.sync_run AS r
            CROSS JOIN LATERAL jsonb_each(r.entity_counts) AS entry
            WHERE jsonb_typeof(entry.value) = 'number'
            GROUP BY r.connection_id, r.status, entry.key
          ) AS e
          GROUP BY e.connection_id, e.status
        )
        SELECT c.id AS "connectionId", c.name AS "connectionName", t.status, t.runs, t.api_calls AS "apiCalls",
               t.retries, t.rate_limited AS "rateLimited", t.slept_seconds AS "sleptSeconds", t.finished,
               t.duration_seconds AS "durationSeconds",
               coalesce(b.counts, '{}'::int[]) AS "durationBucketCounts",
               coalesce(rec.totals, '{}'::jsonb) AS records
        FROM totals AS t
        JOIN seatsync.connection AS c ON c.id = t.connection_id
        LEFT JOIN buckets AS b ON b.connection_id = t.connection_id AND b.status = t.status
        LEFT JOIN records AS rec ON rec.connection_id = t.connection_id AND rec.status = t.status
        ORDER BY c.name, t.status`
    })(undefined)
  ).pipe(Effect.withSpan("RunTotals.byConnectionAndStatus"))

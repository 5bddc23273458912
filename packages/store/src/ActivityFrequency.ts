/**
 * How often someone is active, not only when last: per account and product, the number of distinct UTC days
 * within a window (90 days by default) among the last-active dates seatsync has observed over its runs. Each
 * nightly run that sees a newer last-active date records it (the stored value, and every old and new value
 * of `last_active_at` in `change_log`), so the count is the days on which the date moved — a lower bound of
 * the days the person was active, since a run sees only the latest of the days since the one before.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"
import type { ConnectionId } from "./Ids.js"
import { textArray } from "./internal/pgArray.js"

type Failure = SqlError.SqlError | ParseResult.ParseError

/** The default window, in days. */
export const defaultWindowDays = 90

/** One account's activity on one product: days within the window on which it was seen active. */
export const ActiveDays = Schema.Struct({
  accountId: Schema.String,
  productId: Schema.String,
  activeDays: Schema.NonNegativeInt
})
export type ActiveDays = typeof ActiveDays.Type

/**
 * Per (account, product) of `accountIds` that has activity data: the distinct days within the `days`
 * (default 90) before `asOf` of the last-active dates observed. Pairs without any activity row are absent
 * (unknown, not 0).
 */
export const activeDays = (
  connectionId: ConnectionId,
  options: { readonly accountIds: ReadonlyArray<string>; readonly asOf: Date; readonly days?: number }
): Effect.Effect<ReadonlyArray<ActiveDays>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    if (options.accountIds.length === 0) return Effect.succeed([])
    const accounts = textArray([...new Set(options.accountIds)])
    const days = Math.floor(options.days ?? defaultWindowDays)
    return SqlSchema.findAll({
      Request: Schema.Void,
      Result: ActiveDays,
      execute: () => sql`
        WITH observed AS (
          SELECT a.account_id, a.product_id, a.last_active_at AS at
          FROM seatsync.product_activity AS a
          WHERE a.connection_id = ${connectionId} AND a.account_id = ANY (${accounts}::text[])
          UNION ALL
          SELECT l.entity_key ->> 'account_id', l.entity_key ->> 'product_id', v.at
          FROM seatsync.change_log AS l
          CROSS JOIN LATERAL (VALUES ((l.changes -> 'last_active_at' ->> 'old')::timestamptz),
                                     ((l.changes -> 'last_active_at' ->> 'new')::timestamptz)) AS v (at)
          WHERE l.connection_id = ${connectionId} AND l.entity = 'product_activity'
            AND (l.entity_key ->> 'account_id') = ANY (${accounts}::text[]) AND l.changes ? 'last_active_at'
        )
        SELECT account_id AS "accountId", product_id AS "productId",
               (count(DISTINCT (at AT TIME ZONE 'UTC')::date)
                  FILTER (WHERE at > ${options.asOf}::timestamptz - make_interval(hours => 24 * ${days}::integer)
                            AND at <= ${options.asOf}::timestamptz))::int AS "activeDays"
        FROM observed
        GROUP BY account_id, product_id
        ORDER BY account_id, product_id`
    })(undefined)
  }).pipe(Effect.withSpan("ActivityFrequency.activeDays", { attributes: { connectionId } }))

/**
 * Reads of stored product activity for the last-active backfill: which users' activity is missing or stale,
 * most stale first.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"
import type { ConnectionId } from "./Ids.js"

/** A user the backfill should ask `last-active-dates` about. */
export const StaleUser = Schema.Struct({
  accountId: Schema.String,
  /** Products the user holds a live role on. */
  productIds: Schema.Array(Schema.String),
  /** The oldest observation among those products; null when at least one has no activity row at all. */
  oldestObservedAt: Schema.NullOr(Schema.DateFromSelf)
})
export type StaleUser = typeof StaleUser.Type

/**
 * Live users holding a live role on a live product whose activity for that product is missing or was observed
 * before `staleBefore`: missing first, then oldest observation first, up to `limit`.
 */
export const staleUsers = (
  connectionId: ConnectionId,
  options: { readonly staleBefore: Date; readonly limit: number }
): Effect.Effect<ReadonlyArray<StaleUser>, SqlError.SqlError | ParseResult.ParseError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: StaleUser,
      execute: () => sql`
        SELECT s.account_id AS "accountId",
               array_agg(DISTINCT s.product_id ORDER BY s.product_id) AS "productIds",
               CASE WHEN bool_and(s.has_activity) THEN min(s.activity_observed_at) END AS "oldestObservedAt"
        FROM seatsync.v_product_seat AS s
        WHERE s.connection_id = ${connectionId}
        GROUP BY s.account_id
        HAVING bool_or(NOT s.has_activity OR s.activity_observed_at < ${options.staleBefore})
        ORDER BY bool_and(s.has_activity), min(s.activity_observed_at) NULLS FIRST, s.account_id
        LIMIT ${Math.max(0, Math.floor(options.limit))}`
    })(undefined)
  )

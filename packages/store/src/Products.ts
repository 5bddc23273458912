/** Reads of the stored products, e.g. to resolve the ARIs other endpoints name them by. */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Product } from "@seatsync/normalise"
import { Effect, type ParseResult, Schema } from "effect"
import type { ConnectionId } from "./Ids.js"

/** The connection's live (not soft-deleted) products. */
export const listLive = (
  connectionId: ConnectionId
): Effect.Effect<ReadonlyArray<Product>, SqlError.SqlError | ParseResult.ParseError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: Product,
      execute: () => sql`
        SELECT product_id AS "productId", product_key AS "productKey", cloud_id AS "cloudId", name, url,
               capacity, plan, status
        FROM seatsync.product
        WHERE connection_id = ${connectionId} AND deleted_at IS NULL
        ORDER BY product_id`
    })(undefined)
  )

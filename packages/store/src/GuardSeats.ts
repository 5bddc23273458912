/**
 * Atlassian Guard as a product of the seat ledger: the synthetic product `atlassian-guard` of a connection
 * whose run counted the Guard-billable managed accounts, and that count. Called by the run merge, in its
 * transaction, before any entity is merged: a counted run stages the Guard product with the products
 * Atlassian listed (so the product merge keeps it like any other) and records the count that `seat_counts`
 * reports for it (migration 0010); a run that did not count removes it, so no Guard row is written for a day
 * whose count is unknown.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect } from "effect"
import type { ConnectionId, RunId } from "./Ids.js"

/** The Guard product's id and key (never an Atlassian product id, which are cloud ids and ARIs). */
export const productId = "atlassian-guard"
export const productKey = "atlassian-guard"
export const productName = "Atlassian Guard"

/**
 * Stages the Guard product for `runId` and records `billable`, or, when `billable` is null (Guard not
 * counted by this run), soft-deletes a live Guard product (with its `change_log` row) and forgets the count.
 * Soft-deleting it here, before the merge's deletion guard, keeps the guard from counting it as a product
 * Atlassian stopped listing.
 */
export const prepareMerge = (
  runId: RunId,
  connectionId: ConnectionId,
  billable: number | null,
  countedAt: Date
): Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    if (billable === null) {
      yield* sql`DELETE FROM seatsync.guard_seat_count WHERE connection_id = ${connectionId}`
      yield* sql`
        WITH deleted AS (
          UPDATE seatsync.product SET deleted_at = now()
          WHERE connection_id = ${connectionId} AND product_id = ${productId} AND deleted_at IS NULL
          RETURNING product_id
        )
        INSERT INTO seatsync.change_log (connection_id, run_id, entity, entity_key, kind)
        SELECT ${connectionId}::integer, ${runId}::bigint, 'product', jsonb_build_object('product_id', d.product_id),
               'delete'
        FROM deleted AS d`
      return
    }
    // The organisation is the Guard subscription's scope: its id stands in for a cloud id.
    yield* sql`
      INSERT INTO seatsync.product_stage (run_id, connection_id, product_id, product_key, cloud_id, name, url,
        capacity, plan, status)
      SELECT ${runId}::bigint, c.id, ${productId}, ${productKey}, c.org_id, ${productName}, NULL, NULL, NULL, NULL
      FROM seatsync.connection AS c WHERE c.id = ${connectionId}
      ON CONFLICT (run_id, product_id) DO NOTHING`
    yield* sql`
      INSERT INTO seatsync.guard_seat_count (connection_id, billable, run_id, counted_at)
      VALUES (${connectionId}, ${Math.max(0, Math.floor(billable))}, ${runId}, ${countedAt})
      ON CONFLICT (connection_id) DO UPDATE SET
        billable = excluded.billable, run_id = excluded.run_id, counted_at = excluded.counted_at`
  }).pipe(Effect.withSpan("GuardSeats.prepareMerge", { attributes: { runId, connectionId } }))

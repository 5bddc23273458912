/**
 * What the run ledger (`seatsync.sync_run`) says about scheduled slots: the latest slot each connection has
 * been served (any outcome: a slot is attempted once per schedule, retries are pg-boss's), and whether a
 * slot already has a succeeded run (so a retried job never syncs the same slot twice).
 */
import { SqlClient, type SqlError } from "@effect/sql"
import type { ConnectionId } from "@seatsync/store"
import { Effect } from "effect"

/** The latest slot with a run, per connection id. Uses the index `sync_run_slot_idx`. */
export const lastServedSlots: Effect.Effect<
  ReadonlyMap<number, Date>,
  SqlError.SqlError,
  SqlClient.SqlClient
> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ readonly connectionId: number; readonly slot: Date }>`
      SELECT connection_id::int AS "connectionId", max(slot) AS slot
      FROM seatsync.sync_run WHERE slot IS NOT NULL GROUP BY connection_id`
  return new Map(rows.map((row) => [Number(row.connectionId), new Date(row.slot)]))
})

/** Whether the connection's `slot` already has a succeeded run. */
export const slotSucceeded = (
  connectionId: ConnectionId,
  slot: Date
): Effect.Effect<boolean, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ readonly found: boolean }>`
      SELECT EXISTS (
        SELECT 1 FROM seatsync.sync_run
        WHERE connection_id = ${connectionId} AND slot = ${slot} AND status = 'succeeded'
      ) AS found`
    return rows[0]?.found === true
  })

/**
 * Migration 0005: the run ledger records each run's reconciliation — per counted entity (users, groups)
 * what the organisation's own counts said before and after the listings, what the listings returned, what
 * was staged, the tolerance applied and whether the enumeration drifted beyond it — and the users per
 * directory from `users/stats`. Null for runs recorded before this migration or that failed before counting.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`ALTER TABLE seatsync.sync_run ADD COLUMN reconciliation jsonb`)
})

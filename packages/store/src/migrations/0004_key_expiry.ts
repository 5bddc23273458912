/**
 * Migration 0004: the day a connection's organisation API key expires, as Atlassian shows it when the key is
 * created (the Admin API does not expose it), so that `doctor` and the worker can warn before it does.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE seatsync.connection ADD COLUMN api_key_expires_on date`
})

/**
 * Migration 0007: `seatsync.seat_verdict` counts a day as exactly 24 hours, as `@seatsync/normalise`'s
 * `classifyInactivity` does. The 0002 definition subtracted calendar days (`make_interval(days => n)`), which
 * PostgreSQL applies in the session's time zone: across a daylight-saving change the line moved by an hour
 * and the two verdicts disagreed for a seat last active within that hour. Same signature and same rules;
 * only the arithmetic changes, so every view and function calling it follows without being redefined.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  // `make_interval(hours => …)` is a fixed length of time whatever the session's time zone, so the function
  // is truly IMMUTABLE now. Rules, in order, as in classifyInactivity: last active within the window →
  // active; added within the grace period → recently_added; no activity row → no_data; a row saying never →
  // never_active; otherwise inactive.
  yield* sql.unsafe(`
    CREATE OR REPLACE FUNCTION seatsync.seat_verdict(
        last_active_at timestamptz, has_activity boolean, added_to_org timestamptz, as_of timestamptz,
        inactive_after_days integer, grace_days integer)
      RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
          WHEN last_active_at IS NOT NULL
               AND last_active_at > as_of - make_interval(hours => 24 * inactive_after_days)
            THEN 'active'
          WHEN added_to_org IS NOT NULL AND added_to_org > as_of - make_interval(hours => 24 * grace_days)
            THEN 'recently_added'
          WHEN NOT has_activity THEN 'no_data'
          WHEN last_active_at IS NULL THEN 'never_active'
          ELSE 'inactive'
        END
      $$`)
})

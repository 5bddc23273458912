/**
 * Migration 0010: Atlassian Guard seats. Guard bills the managed accounts Atlassian marks `access_billable`,
 * which no product role says, so a run that counted them keeps the count in `guard_seat_count` (one row per
 * connection, the last count), and `seat_counts` reports the connection's synthetic Guard product
 * (`atlassian-guard`, see `GuardSeats`) from that count: assigned = billable = the count, no capacity, and
 * no activity (Guard has no last-active, so active, never-active and reclaimable are 0). The seat ledger and
 * the utilisation view read `seat_counts`, so they carry the Guard row like any product's.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
    CREATE TABLE seatsync.guard_seat_count (
      connection_id integer PRIMARY KEY REFERENCES seatsync.connection (id) ON DELETE CASCADE,
      billable integer NOT NULL CHECK (billable >= 0),
      run_id bigint NOT NULL,
      counted_at timestamptz NOT NULL
    )`)
  // The body of 0002's seat_counts for every product but Guard's, then Guard's row from its count. Its
  // 30/60/90-day windows are exact 24-hour days, as seat_verdict counts them since 0007 (a calendar
  // interval would move by an hour across a daylight-saving change in the session's time zone).
  yield* sql.unsafe(`
    CREATE OR REPLACE FUNCTION seatsync.seat_counts(
        p_connection_id integer, p_as_of timestamptz, p_inactive_after_days integer, p_grace_days integer)
      RETURNS TABLE (product_id text, capacity integer, assigned integer, billable integer, active_30 integer,
                     active_60 integer, active_90 integer, never_active integer, reclaimable integer)
      LANGUAGE sql STABLE AS $$
        SELECT p.product_id, p.capacity,
          count(s.account_id)::int,
          count(*) FILTER (WHERE s.billable)::int,
          count(*) FILTER (WHERE s.billable AND s.last_active_at > p_as_of - make_interval(hours => 24 * 30))::int,
          count(*) FILTER (WHERE s.billable AND s.last_active_at > p_as_of - make_interval(hours => 24 * 60))::int,
          count(*) FILTER (WHERE s.billable AND s.last_active_at > p_as_of - make_interval(hours => 24 * 90))::int,
          count(*) FILTER (WHERE s.billable AND s.has_activity AND s.last_active_at IS NULL)::int,
          count(*) FILTER (WHERE s.billable AND seatsync.seat_verdict(s.last_active_at, s.has_activity,
            s.added_to_org, p_as_of, p_inactive_after_days, p_grace_days) IN ('inactive', 'never_active'))::int
        FROM seatsync.product AS p
        LEFT JOIN seatsync.v_product_seat AS s
          ON s.connection_id = p.connection_id AND s.product_id = p.product_id
        WHERE p.connection_id = p_connection_id AND p.deleted_at IS NULL AND p.product_id <> 'atlassian-guard'
        GROUP BY p.product_id, p.capacity
        UNION ALL
        SELECT p.product_id, p.capacity, g.billable, g.billable, 0, 0, 0, 0, 0
        FROM seatsync.product AS p
        JOIN seatsync.guard_seat_count AS g ON g.connection_id = p.connection_id
        WHERE p.connection_id = p_connection_id AND p.deleted_at IS NULL AND p.product_id = 'atlassian-guard'
      $$`)
})

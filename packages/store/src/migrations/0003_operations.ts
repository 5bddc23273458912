/**
 * Migration 0003: what operating many connections needs — Jira site credentials (the email and the
 * encrypted API token used for `/rest/api/3/applicationrole`), pausing a connection after repeated
 * failures (with its reason, until resumed or reconfigured), the scheduled slot a worker run serves, the
 * nightly default of 02:00 in the connection's time zone, and `v_connection_health` (one row per connection:
 * pause state, failure streak, last run and last success) for `doctor`, reports and metrics.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const statements = [
    `ALTER TABLE seatsync.connection
      ADD COLUMN jira_email text,
      ADD COLUMN jira_token_ciphertext bytea,
      ADD COLUMN paused_at timestamptz,
      ADD COLUMN paused_reason text,
      ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
      ADD CONSTRAINT connection_paused_with_reason CHECK ((paused_at IS NULL) = (paused_reason IS NULL)),
      ADD CONSTRAINT connection_jira_credentials_together
        CHECK ((jira_email IS NULL) = (jira_token_ciphertext IS NULL))`,
    `ALTER TABLE seatsync.connection ALTER COLUMN schedule SET DEFAULT '0 2 * * *'`,
    `ALTER TABLE seatsync.sync_run ADD COLUMN slot timestamptz`,
    `CREATE INDEX sync_run_slot_idx ON seatsync.sync_run (connection_id, slot) WHERE slot IS NOT NULL`,
    `CREATE VIEW seatsync.v_connection_health AS
      SELECT c.id AS connection_id, c.name AS connection_name, c.org_id, c.schedule, c.time_zone,
             c.paused_at, c.paused_reason, c.consecutive_failures,
             last_run.id AS last_run_id, last_run.status AS last_run_status,
             last_run.started_at AS last_run_started_at, last_run.finished_at AS last_run_finished_at,
             last_run.error ->> '_tag' AS last_error_tag, last_run.error ->> 'message' AS last_error_message,
             (SELECT max(r.finished_at) FROM seatsync.sync_run AS r
               WHERE r.connection_id = c.id AND r.status = 'succeeded') AS last_success_at
      FROM seatsync.connection AS c
      LEFT JOIN LATERAL (
        SELECT r.id, r.status, r.started_at, r.finished_at, r.error FROM seatsync.sync_run AS r
        WHERE r.connection_id = c.id ORDER BY r.id DESC LIMIT 1
      ) AS last_run ON true`
  ]
  for (const statement of statements) yield* sql.unsafe(statement)
})

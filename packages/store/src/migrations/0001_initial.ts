/**
 * Migration 0001: the `seatsync` schema's first tables — connections, the run ledger, organisation users
 * and their run-scoped staging table.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  yield* sql`CREATE SCHEMA IF NOT EXISTS seatsync`

  // One Atlassian organisation and how to sync it (architecture §2).
  yield* sql`
    CREATE TABLE seatsync.connection (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text NOT NULL UNIQUE
        CONSTRAINT connection_name_is_slug CHECK (name ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
      org_id text NOT NULL CHECK (org_id <> ''),
      site_url text,
      guard text NOT NULL DEFAULT 'unknown' CHECK (guard IN ('enabled', 'disabled', 'unknown')),
      schedule text NOT NULL DEFAULT '0 3 * * *',
      time_zone text NOT NULL DEFAULT 'UTC',
      inactive_after_days integer NOT NULL DEFAULT 90 CHECK (inactive_after_days > 0),
      api_key_ciphertext bytea,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`

  // The run ledger: one row per sync run, finished exactly when it leaves 'running'.
  yield* sql`
    CREATE TABLE seatsync.sync_run (
      id bigserial PRIMARY KEY,
      connection_id integer NOT NULL REFERENCES seatsync.connection (id) ON DELETE CASCADE,
      status text NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
      trigger text NOT NULL CHECK (trigger IN ('cli', 'worker', 'demo')),
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      entity_counts jsonb NOT NULL DEFAULT '{}'::jsonb,
      api_calls integer NOT NULL DEFAULT 0 CHECK (api_calls >= 0),
      retries integer NOT NULL DEFAULT 0 CHECK (retries >= 0),
      rate_limited integer NOT NULL DEFAULT 0 CHECK (rate_limited >= 0),
      slept_ms bigint NOT NULL DEFAULT 0 CHECK (slept_ms >= 0),
      error jsonb,
      CONSTRAINT sync_run_finished_when_not_running CHECK ((status = 'running') = (finished_at IS NULL))
    )`
  yield* sql`CREATE INDEX sync_run_recent_idx ON seatsync.sync_run (connection_id, id DESC)`
  yield* sql`CREATE INDEX sync_run_running_idx ON seatsync.sync_run (connection_id) WHERE status = 'running'`

  // Live organisation users: one row per (connection, account), soft-deleted via deleted_at.
  //
  // first_seen_run: the run that first inserted the row.
  // last_seen_run:  the last run that WROTE the row — inserted it, changed its content or restored it after
  //                 a soft delete. An unchanged user is not rewritten by later runs, so last_seen_run is NOT
  //                 "the last run that saw this user": a second identical sync updates no row at all. A live
  //                 row was seen by every complete run since last_seen_run (absent ones get deleted_at).
  // deleted_at:     when a complete run first found the user gone; NULL while live.
  yield* sql`
    CREATE TABLE seatsync.org_user (
      connection_id integer NOT NULL REFERENCES seatsync.connection (id) ON DELETE CASCADE,
      account_id text NOT NULL,
      account_type text NOT NULL,
      name text NOT NULL,
      nickname text,
      email text,
      email_domain text,
      status text,
      account_status text,
      membership_status text,
      claim_status text,
      management_source text,
      mfa_enabled boolean,
      added_to_org timestamptz,
      job_title text,
      department text,
      time_zone text,
      platform_roles text[] NOT NULL DEFAULT '{}',
      -- sync_run ids, deliberately without foreign keys: runs are never deleted, and two foreign-key checks
      -- per written row would cost a merge of 100k users about a second.
      first_seen_run bigint NOT NULL,
      last_seen_run bigint NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (connection_id, account_id)
    )`
  yield* sql`
    COMMENT ON COLUMN seatsync.org_user.last_seen_run IS
      'The last run that inserted, changed or restored this row; unchanged rows are not rewritten, so this is not the last run that saw the user'`
  yield* sql`CREATE INDEX org_user_live_idx ON seatsync.org_user (connection_id) WHERE deleted_at IS NULL`
  yield* sql`
    CREATE INDEX org_user_live_domain_idx ON seatsync.org_user (connection_id, email_domain)
    WHERE deleted_at IS NULL`
  yield* sql`
    CREATE INDEX org_user_deleted_idx ON seatsync.org_user (connection_id, deleted_at)
    WHERE deleted_at IS NOT NULL`

  // Staging for one run's users; UNLOGGED because a crash loses nothing a re-run cannot rebuild. Rows are
  // deleted by the run's merge (or discarded when the run fails).
  yield* sql`
    CREATE UNLOGGED TABLE seatsync.org_user_stage (
      run_id bigint NOT NULL,
      connection_id integer NOT NULL,
      account_id text NOT NULL,
      account_type text NOT NULL,
      name text NOT NULL,
      nickname text,
      email text,
      email_domain text,
      status text,
      account_status text,
      membership_status text,
      claim_status text,
      management_source text,
      mfa_enabled boolean,
      added_to_org timestamptz,
      job_title text,
      department text,
      time_zone text,
      platform_roles text[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (run_id, account_id)
    )`
})

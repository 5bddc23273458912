/**
 * Migration 0002: the rest of the organisation model (groups, memberships, products, product roles, product
 * activity, each with run-scoped staging), the history (`change_log`, `seat_ledger`), run bookkeeping
 * (`sync_checkpoint`, `quarantine`) and the consumer views (`v_seat_utilisation`, `v_reclaim_candidates`,
 * `v_run_health`).
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** Live-table bookkeeping shared by every entity (see the comment on `org_user` in 0001). */
const bookkeeping = `
  first_seen_run bigint NOT NULL,
  last_seen_run bigint NOT NULL,
  deleted_at timestamptz`

/** One live table, its staging twin and its live-rows index, from constant column definitions. */
const entityTables = (table: string, keys: ReadonlyArray<string>, columns: string): ReadonlyArray<string> => [
  `CREATE TABLE seatsync.${table} (
    connection_id integer NOT NULL REFERENCES seatsync.connection (id) ON DELETE CASCADE,
    ${columns},
    ${bookkeeping},
    PRIMARY KEY (connection_id, ${keys.join(", ")})
  )`,
  `CREATE INDEX ${table}_live_idx ON seatsync.${table} (connection_id) WHERE deleted_at IS NULL`,
  `CREATE UNLOGGED TABLE seatsync.${table}_stage (
    run_id bigint NOT NULL,
    connection_id integer NOT NULL,
    ${columns},
    PRIMARY KEY (run_id, ${keys.join(", ")})
  )`
]

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const statements = [
    ...entityTables(
      "org_group",
      ["group_id"],
      `group_id text NOT NULL,
    name text NOT NULL,
    description text,
    directory_id text,
    external_synced boolean,
    managed_by text`
    ),
    ...entityTables(
      "group_membership",
      ["account_id", "group_id"],
      "account_id text NOT NULL, group_id text NOT NULL"
    ),
    `CREATE INDEX group_membership_group_idx ON seatsync.group_membership (connection_id, group_id)
      WHERE deleted_at IS NULL`,
    ...entityTables(
      "product",
      ["product_id"],
      `product_id text NOT NULL,
    product_key text NOT NULL,
    cloud_id text NOT NULL,
    name text NOT NULL,
    url text,
    capacity integer,
    plan text,
    status text`
    ),
    ...entityTables(
      "product_role",
      ["account_id", "product_id", "role_id"],
      `account_id text NOT NULL,
    product_id text NOT NULL,
    role_id text NOT NULL,
    billable boolean NOT NULL,
    granted_via text[] NOT NULL DEFAULT '{}'`
    ),
    `CREATE INDEX product_role_product_idx ON seatsync.product_role (connection_id, product_id, account_id)
      WHERE deleted_at IS NULL`,
    // last_active_at NULL = never active (a real answer); no row = no data.
    ...entityTables(
      "product_activity",
      ["account_id", "product_id"],
      `account_id text NOT NULL,
    product_id text NOT NULL,
    last_active_at timestamptz,
    source text NOT NULL CHECK (source IN ('bulk_expand', 'per_user', 'v1_managed')),
    observed_at timestamptz NOT NULL`
    ),
    `CREATE INDEX product_activity_observed_idx ON seatsync.product_activity (connection_id, observed_at)`,

    // History: one row per inserted, changed, restored or soft-deleted live row.
    `CREATE TABLE seatsync.change_log (
      id bigserial PRIMARY KEY,
      connection_id integer NOT NULL REFERENCES seatsync.connection (id) ON DELETE CASCADE,
      run_id bigint NOT NULL,
      entity text NOT NULL,
      entity_key jsonb NOT NULL,
      kind text NOT NULL CHECK (kind IN ('insert', 'update', 'delete', 'restore')),
      changes jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX change_log_run_idx ON seatsync.change_log (connection_id, run_id)`,
    `CREATE INDEX change_log_account_idx ON seatsync.change_log (connection_id, (entity_key ->> 'account_id'), id)`,

    `CREATE TABLE seatsync.seat_ledger (
      connection_id integer NOT NULL REFERENCES seatsync.connection (id) ON DELETE CASCADE,
      product_id text NOT NULL,
      day date NOT NULL,
      run_id bigint NOT NULL,
      capacity integer,
      assigned integer NOT NULL,
      billable integer NOT NULL,
      active_30 integer NOT NULL,
      active_60 integer NOT NULL,
      active_90 integer NOT NULL,
      never_active integer NOT NULL,
      reclaimable integer NOT NULL,
      PRIMARY KEY (connection_id, product_id, day)
    )`,

    `CREATE TABLE seatsync.sync_checkpoint (
      connection_id integer NOT NULL REFERENCES seatsync.connection (id) ON DELETE CASCADE,
      task text NOT NULL,
      cursor text,
      run_id bigint,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (connection_id, task)
    )`,

    `CREATE TABLE seatsync.quarantine (
      id bigserial PRIMARY KEY,
      connection_id integer NOT NULL REFERENCES seatsync.connection (id) ON DELETE CASCADE,
      run_id bigint NOT NULL,
      entity text NOT NULL,
      source_key text,
      reason text NOT NULL,
      record jsonb,
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX quarantine_run_idx ON seatsync.quarantine (connection_id, run_id)`,

    // The verdict rules of @seatsync/normalise's classifyInactivity, for stored rows.
    `CREATE FUNCTION seatsync.seat_verdict(
        last_active_at timestamptz, has_activity boolean, added_to_org timestamptz, as_of timestamptz,
        inactive_after_days integer, grace_days integer)
      RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
          WHEN last_active_at IS NOT NULL AND last_active_at > as_of - make_interval(days => inactive_after_days)
            THEN 'active'
          WHEN added_to_org IS NOT NULL AND added_to_org > as_of - make_interval(days => grace_days)
            THEN 'recently_added'
          WHEN NOT has_activity THEN 'no_data'
          WHEN last_active_at IS NULL THEN 'never_active'
          ELSE 'inactive'
        END
      $$`,

    // One row per live user holding at least one live role on a live product, with the activity evidence.
    // A seat is billable when a billable role is held by a user Atlassian bills (active; suspended users
    // are not billed).
    `CREATE VIEW seatsync.v_product_seat AS
      SELECT r.connection_id, r.product_id, r.account_id,
             bool_or(r.billable) AND coalesce(u.status, 'active') = 'active' AS billable,
             array_agg(r.role_id ORDER BY r.role_id) AS roles,
             u.name, u.email, u.account_type, u.status, u.claim_status, u.added_to_org,
             a.last_active_at, a.source AS activity_source, a.observed_at AS activity_observed_at,
             a.account_id IS NOT NULL AS has_activity
      FROM seatsync.product_role AS r
      JOIN seatsync.org_user AS u
        ON u.connection_id = r.connection_id AND u.account_id = r.account_id AND u.deleted_at IS NULL
      JOIN seatsync.product AS p
        ON p.connection_id = r.connection_id AND p.product_id = r.product_id AND p.deleted_at IS NULL
      LEFT JOIN seatsync.product_activity AS a
        ON a.connection_id = r.connection_id AND a.account_id = r.account_id AND a.product_id = r.product_id
           AND a.deleted_at IS NULL
      WHERE r.deleted_at IS NULL
      GROUP BY r.connection_id, r.product_id, r.account_id, u.name, u.email, u.account_type, u.status,
               u.claim_status, u.added_to_org, a.last_active_at, a.source, a.observed_at, a.account_id`,

    // Seat counts per live product of one connection as of a moment: the seat ledger and the utilisation view.
    `CREATE FUNCTION seatsync.seat_counts(
        p_connection_id integer, p_as_of timestamptz, p_inactive_after_days integer, p_grace_days integer)
      RETURNS TABLE (product_id text, capacity integer, assigned integer, billable integer, active_30 integer,
                     active_60 integer, active_90 integer, never_active integer, reclaimable integer)
      LANGUAGE sql STABLE AS $$
        SELECT p.product_id, p.capacity,
          count(s.account_id)::int,
          count(*) FILTER (WHERE s.billable)::int,
          count(*) FILTER (WHERE s.billable AND s.last_active_at > p_as_of - interval '30 days')::int,
          count(*) FILTER (WHERE s.billable AND s.last_active_at > p_as_of - interval '60 days')::int,
          count(*) FILTER (WHERE s.billable AND s.last_active_at > p_as_of - interval '90 days')::int,
          count(*) FILTER (WHERE s.billable AND s.has_activity AND s.last_active_at IS NULL)::int,
          count(*) FILTER (WHERE s.billable AND seatsync.seat_verdict(s.last_active_at, s.has_activity,
            s.added_to_org, p_as_of, p_inactive_after_days, p_grace_days) IN ('inactive', 'never_active'))::int
        FROM seatsync.product AS p
        LEFT JOIN seatsync.v_product_seat AS s
          ON s.connection_id = p.connection_id AND s.product_id = p.product_id
        WHERE p.connection_id = p_connection_id AND p.deleted_at IS NULL
        GROUP BY p.product_id, p.capacity
      $$`,

    `CREATE VIEW seatsync.v_seat_utilisation AS
      SELECT c.id AS connection_id, c.name AS connection_name, p.product_id, p.product_key, p.name AS product_name,
             p.url, p.plan, s.capacity, s.assigned, s.billable, s.active_30, s.active_60, s.active_90,
             s.never_active, s.reclaimable,
             CASE WHEN s.capacity > 0 THEN round(s.billable::numeric / s.capacity, 4) END AS utilisation
      FROM seatsync.connection AS c
      CROSS JOIN LATERAL seatsync.seat_counts(c.id, now(), c.inactive_after_days, 14) AS s
      JOIN seatsync.product AS p ON p.connection_id = c.id AND p.product_id = s.product_id`,

    `CREATE VIEW seatsync.v_reclaim_candidates AS
      SELECT s.connection_id, s.product_id, p.product_key, p.name AS product_name, s.account_id, s.name, s.email,
             s.roles, s.account_type, s.status, s.claim_status = 'managed' AS managed, s.last_active_at,
             s.activity_source, s.activity_observed_at, s.has_activity, s.added_to_org,
             floor(extract(epoch FROM now() - s.last_active_at) / 86400)::int AS days_since_active,
             floor(extract(epoch FROM now() - s.added_to_org) / 86400)::int AS days_since_added,
             seatsync.seat_verdict(s.last_active_at, s.has_activity, s.added_to_org, now(),
                                   c.inactive_after_days, 14) AS verdict
      FROM seatsync.v_product_seat AS s
      JOIN seatsync.connection AS c ON c.id = s.connection_id
      JOIN seatsync.product AS p ON p.connection_id = s.connection_id AND p.product_id = s.product_id
      WHERE s.billable
        AND seatsync.seat_verdict(s.last_active_at, s.has_activity, s.added_to_org, now(),
                                  c.inactive_after_days, 14) IN ('inactive', 'never_active')`,

    `CREATE VIEW seatsync.v_run_health AS
      SELECT r.id AS run_id, r.connection_id, c.name AS connection_name, r.status, r.trigger, r.started_at,
             r.finished_at, extract(epoch FROM coalesce(r.finished_at, now()) - r.started_at)::double precision
               AS duration_seconds,
             r.entity_counts, r.api_calls, r.retries, r.rate_limited, r.slept_ms,
             (SELECT count(*)::int FROM seatsync.quarantine AS q
               WHERE q.connection_id = r.connection_id AND q.run_id = r.id) AS quarantined,
             r.error ->> '_tag' AS error_tag, r.error ->> 'message' AS error_message
      FROM seatsync.sync_run AS r
      JOIN seatsync.connection AS c ON c.id = r.connection_id`
  ]
  for (const statement of statements) yield* sql.unsafe(statement)
})

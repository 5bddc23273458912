/**
 * Migration 0009: what became of the seats that were taken away. `v_seat_removal` derives, from the history
 * the merge already keeps (`change_log`), one row per billable seat a run removed — an account left holding
 * no billable role on a product — with whether that seat was a billed reclaim candidate just before (the
 * user's status before that run was `active`, so the ledger billed the seat, and the verdict from the
 * last-active date known before that run was inactive or never active), the price in force on the day, and
 * the first time a billable role on that product came back for the account: which run, how it was granted
 * and the groups the person joined or rejoined in that run (the store keeps no group → role grants, so those
 * are the likely source). A seat that came back within 30 days (of exactly 24 hours, as `seat_verdict`
 * counts them) was re-granted, not saved; one that came back later was saved until then (`until_at`).
 *
 * Past values need no table of their own: every change of `product_activity.last_active_at` and of
 * `org_user.status` is in `change_log` with its old and new value (see `ActivityFrequency`).
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  // Activity history reads change_log by connection and entity; the existing index is per account.
  yield* sql.unsafe(`
    CREATE INDEX change_log_entity_idx ON seatsync.change_log (connection_id, entity, run_id)
      WHERE entity IN ('product_role', 'product_activity')`)
  yield* sql.unsafe(`
    CREATE VIEW seatsync.v_seat_removal AS
    WITH removed AS (
      -- The billable roles one run soft-deleted, per account and product.
      SELECT c.connection_id, c.entity_key ->> 'account_id' AS account_id,
             c.entity_key ->> 'product_id' AS product_id, c.run_id,
             array_agg(DISTINCT c.entity_key ->> 'role_id' ORDER BY c.entity_key ->> 'role_id') AS roles
      FROM seatsync.change_log AS c
      JOIN seatsync.product_role AS r
        ON r.connection_id = c.connection_id AND r.account_id = c.entity_key ->> 'account_id'
           AND r.product_id = c.entity_key ->> 'product_id' AND r.role_id = c.entity_key ->> 'role_id'
      WHERE c.entity = 'product_role' AND c.kind = 'delete' AND r.billable
      GROUP BY c.connection_id, c.entity_key ->> 'account_id', c.entity_key ->> 'product_id', c.run_id
    ),
    seat_gone AS (
      -- Only when no other billable role on the product stayed live after that run is the seat gone.
      SELECT rm.*, run.started_at AS removed_at
      FROM removed AS rm
      JOIN seatsync.sync_run AS run ON run.id = rm.run_id
      WHERE NOT EXISTS (
        SELECT 1 FROM seatsync.product_role AS other
        WHERE other.connection_id = rm.connection_id AND other.account_id = rm.account_id
          AND other.product_id = rm.product_id AND other.billable AND other.first_seen_run <= rm.run_id
          AND NOT (other.role_id = ANY (rm.roles))
          AND coalesce((
            SELECT l.kind FROM seatsync.change_log AS l
            WHERE l.connection_id = rm.connection_id AND (l.entity_key ->> 'account_id') = rm.account_id
              AND l.entity = 'product_role' AND l.entity_key ->> 'product_id' = other.product_id
              AND l.entity_key ->> 'role_id' = other.role_id AND l.run_id <= rm.run_id
            ORDER BY l.id DESC LIMIT 1), 'insert') <> 'delete')
    )
    SELECT g.connection_id, g.account_id, g.product_id, g.roles, g.run_id, g.removed_at,
           (g.removed_at AT TIME ZONE 'UTC')::date AS removed_on,
           u.name, u.email, p.product_key, p.name AS product_name,
           before.has_activity, before.last_active_at, status_before.status AS status_before,
           -- A saving only if the seat was billed just before the run (the ledger bills a seat only while
           -- its user's status is active, as v_product_seat says) and was inactive or never active by the
           -- verdict rules then. A seat of a suspended or closed account was billed by no one: removing it
           -- saves nothing. (duplicate-person is not reconstructed: it depends on the other accounts then.)
           coalesce(status_before.status, 'active') = 'active'
             AND seatsync.seat_verdict(before.last_active_at, before.has_activity, u.added_to_org,
                   g.removed_at, c.inactive_after_days, 14) IN ('inactive', 'never_active') AS was_candidate,
           price.currency, price.price_per_seat, price.billing_period, price.renewal_date,
           back.run_id AS back_run_id, back.started_at AS back_at, back.role_id AS back_role_id,
           back.granted_via AS back_granted_via, back.groups AS back_groups,
           back.started_at IS NOT NULL
             AND back.started_at <= g.removed_at + make_interval(hours => 24 * 30) AS regranted,
           -- A saving ends when the seat comes back (billed again from then); null while it stands.
           CASE WHEN back.started_at > g.removed_at + make_interval(hours => 24 * 30) THEN back.started_at
           END AS until_at
    FROM seat_gone AS g
    JOIN seatsync.connection AS c ON c.id = g.connection_id
    LEFT JOIN seatsync.org_user AS u ON u.connection_id = g.connection_id AND u.account_id = g.account_id
    LEFT JOIN seatsync.product AS p ON p.connection_id = g.connection_id AND p.product_id = g.product_id
    -- The last-active date known before the removing run: the old value of the first change at or after
    -- it, else the stored one; no activity when the row first arrived with or after that run.
    LEFT JOIN LATERAL (
      SELECT a.account_id IS NOT NULL AND a.first_seen_run < g.run_id AS has_activity,
             CASE WHEN later.id IS NULL THEN a.last_active_at
                  ELSE (later.changes -> 'last_active_at' ->> 'old')::timestamptz END AS last_active_at
      FROM (SELECT 1) AS one
      LEFT JOIN seatsync.product_activity AS a
        ON a.connection_id = g.connection_id AND a.account_id = g.account_id AND a.product_id = g.product_id
      LEFT JOIN LATERAL (
        SELECT l.id, l.changes FROM seatsync.change_log AS l
        WHERE l.connection_id = g.connection_id AND (l.entity_key ->> 'account_id') = g.account_id
          AND l.entity = 'product_activity' AND l.entity_key ->> 'product_id' = g.product_id
          AND l.run_id >= g.run_id AND l.changes ? 'last_active_at'
        ORDER BY l.id LIMIT 1
      ) AS later ON true
    ) AS before ON true
    -- The user's status before the removing run: the old value of the first change of it at or after that
    -- run, else the stored one (null when the account is not stored: the ledger's coalesce says active).
    LEFT JOIN LATERAL (
      SELECT coalesce((
        SELECT l.changes -> 'status' ->> 'old' FROM seatsync.change_log AS l
        WHERE l.connection_id = g.connection_id AND (l.entity_key ->> 'account_id') = g.account_id
          AND l.entity = 'org_user' AND l.run_id >= g.run_id AND l.changes ? 'status'
        ORDER BY l.id LIMIT 1), u.status) AS status
    ) AS status_before ON true
    LEFT JOIN LATERAL (
      SELECT pp.currency, pp.price_per_seat, pp.billing_period, pp.renewal_date
      FROM seatsync.product_price AS pp
      WHERE pp.connection_id = g.connection_id AND pp.product_id = g.product_id
        AND pp.effective_from <= (g.removed_at AT TIME ZONE 'UTC')::date
      ORDER BY pp.effective_from DESC LIMIT 1
    ) AS price ON true
    -- The first billable role on the product granted to the account again by a later run.
    LEFT JOIN LATERAL (
      SELECT l.run_id, run.started_at, l.entity_key ->> 'role_id' AS role_id, r.granted_via,
             coalesce((
               SELECT array_agg(DISTINCT coalesce(grp.name, m.entity_key ->> 'group_id')
                                ORDER BY coalesce(grp.name, m.entity_key ->> 'group_id'))
               FROM seatsync.change_log AS m
               LEFT JOIN seatsync.org_group AS grp
                 ON grp.connection_id = m.connection_id AND grp.group_id = m.entity_key ->> 'group_id'
               WHERE m.connection_id = g.connection_id AND (m.entity_key ->> 'account_id') = g.account_id
                 AND m.entity = 'group_membership' AND m.run_id = l.run_id AND m.kind IN ('insert', 'restore')
             ), '{}') AS groups
      FROM seatsync.change_log AS l
      JOIN seatsync.sync_run AS run ON run.id = l.run_id
      JOIN seatsync.product_role AS r
        ON r.connection_id = l.connection_id AND r.account_id = l.entity_key ->> 'account_id'
           AND r.product_id = l.entity_key ->> 'product_id' AND r.role_id = l.entity_key ->> 'role_id'
      WHERE l.connection_id = g.connection_id AND (l.entity_key ->> 'account_id') = g.account_id
        AND l.entity = 'product_role' AND l.entity_key ->> 'product_id' = g.product_id
        AND l.run_id > g.run_id AND r.billable
        AND (l.kind IN ('insert', 'restore')
             OR (l.kind = 'update' AND (l.changes -> 'billable' ->> 'new')::boolean))
      ORDER BY l.id LIMIT 1
    ) AS back ON true`)
})

/**
 * Migration 0008: why a seat is a reclaim candidate, and who may never be one. `protected_subject` holds, per
 * connection, the accounts and groups a reviewer protected (service accounts, break-glass admins, people on
 * leave) with who set it, why and when; `protected_account` resolves it to accounts (a protected group
 * protects its live members). `reclaim_reasons` lists every (account, product, reason) of a connection as of
 * a moment: `inactive` and `never-active` (the verdict rules), `suspended-billable` and `closed-billable` (an
 * account that is not active still holding a billable role: cleanup, since a restore would bill it again —
 * the ledger, `v_product_seat`, bills it only while the user's status is active, so a suspended or deactivated
 * user's seat saves nothing now) and `duplicate-person` (a second account of the
 * same person holding the same product), with the evidence. `v_reclaim_candidates` leaves protected accounts
 * out (same columns); `v_reclaim_reasons` is `reclaim_reasons` now, at each connection's threshold, unprotected.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const statements = [
    // Exactly one of account_id and group_id; one protection per subject (setting it again replaces it).
    `CREATE TABLE seatsync.protected_subject (
      connection_id integer NOT NULL REFERENCES seatsync.connection (id) ON DELETE CASCADE,
      account_id text,
      group_id text,
      reason text NOT NULL CHECK (btrim(reason) <> ''),
      set_by text NOT NULL CHECK (btrim(set_by) <> ''),
      set_at timestamptz NOT NULL DEFAULT now(),
      CHECK (num_nonnulls(account_id, group_id) = 1)
    )`,
    `CREATE UNIQUE INDEX protected_subject_account_idx ON seatsync.protected_subject (connection_id, account_id)
      WHERE account_id IS NOT NULL`,
    `CREATE UNIQUE INDEX protected_subject_group_idx ON seatsync.protected_subject (connection_id, group_id)
      WHERE group_id IS NOT NULL`,

    // The protected accounts of a connection, each with what protects it (the account itself, or a group).
    `CREATE FUNCTION seatsync.protected_account(p_connection_id integer)
      RETURNS TABLE (account_id text, group_id text)
      LANGUAGE sql STABLE AS $$
        SELECT s.account_id, NULL::text FROM seatsync.protected_subject AS s
        WHERE s.connection_id = p_connection_id AND s.account_id IS NOT NULL
        UNION ALL
        SELECT m.account_id, s.group_id FROM seatsync.protected_subject AS s
        JOIN seatsync.group_membership AS m
          ON m.connection_id = s.connection_id AND m.group_id = s.group_id AND m.deleted_at IS NULL
        WHERE s.connection_id = p_connection_id AND s.group_id IS NOT NULL
      $$`,

    // One row per (account, product, reason). rules and other_account_ids are the evidence of
    // duplicate-person (empty otherwise). A duplicate is a second account of one person holding the same
    // product: in each group of accounts that match by a rule, the account most recently active on the
    // product keeps its seat and the others are candidates, so that reclaiming them all keeps one seat.
    `CREATE FUNCTION seatsync.reclaim_reasons(
        p_connection_id integer, p_as_of timestamptz, p_inactive_after_days integer, p_grace_days integer)
      RETURNS TABLE (product_id text, account_id text, reason text, rules text[], other_account_ids text[])
      LANGUAGE sql STABLE AS $$
        WITH inactivity AS (
          SELECT s.product_id, s.account_id,
                 seatsync.seat_verdict(s.last_active_at, s.has_activity, s.added_to_org, p_as_of,
                                       p_inactive_after_days, p_grace_days) AS verdict
          FROM seatsync.v_product_seat AS s
          WHERE s.connection_id = p_connection_id AND s.billable
        ),
        not_active AS (
          SELECT r.product_id, r.account_id,
                 CASE WHEN u.account_status IN ('inactive', 'closed') OR u.status IN ('deactivated', 'for_deletion')
                   THEN 'closed-billable' ELSE 'suspended-billable' END AS reason
          FROM seatsync.product_role AS r
          JOIN seatsync.org_user AS u
            ON u.connection_id = r.connection_id AND u.account_id = r.account_id AND u.deleted_at IS NULL
          JOIN seatsync.product AS p
            ON p.connection_id = r.connection_id AND p.product_id = r.product_id AND p.deleted_at IS NULL
          WHERE r.connection_id = p_connection_id AND r.deleted_at IS NULL AND r.billable
            AND (u.status IN ('suspended', 'deactivated', 'for_deletion')
                 OR u.account_status IN ('inactive', 'closed') OR u.membership_status = 'suspended')
          GROUP BY r.product_id, r.account_id, u.account_status, u.status
        ),
        person AS (
          SELECT s.product_id, s.account_id, s.last_active_at, s.claim_status, lower(btrim(s.email)) AS email,
                 replace(split_part(split_part(lower(btrim(s.email)), '@', 1), '+', 1), '.', '') AS local_part,
                 lower(regexp_replace(btrim(s.name), '\\s+', ' ', 'g')) AS person_name
          FROM seatsync.v_product_seat AS s
          WHERE s.connection_id = p_connection_id AND s.billable AND s.email IS NOT NULL
        ),
        keyed AS (
          SELECT 'same-email-local-part-and-name' AS rule, local_part || chr(31) || person_name AS key, person.*
          FROM person WHERE local_part <> '' AND person_name <> ''
          UNION ALL
          SELECT 'same-email-managed-and-unmanaged', email, person.* FROM person
        ),
        grouped AS (
          SELECT k.rule, k.product_id, k.account_id,
                 count(*) OVER w AS holders,
                 bool_or(k.claim_status = 'managed') OVER w AS any_managed,
                 bool_or(k.claim_status = 'unmanaged') OVER w AS any_unmanaged,
                 array_agg(k.account_id) OVER w AS accounts,
                 row_number() OVER (PARTITION BY k.rule, k.key, k.product_id
                   ORDER BY k.last_active_at DESC NULLS LAST, k.claim_status = 'managed' DESC, k.account_id) AS rank
          FROM keyed AS k
          WINDOW w AS (PARTITION BY k.rule, k.key, k.product_id)
        ),
        pair AS (
          SELECT g.product_id, g.account_id, g.rule, other
          FROM grouped AS g CROSS JOIN LATERAL unnest(g.accounts) AS other
          WHERE g.holders > 1 AND g.rank > 1 AND other <> g.account_id
            AND (g.rule <> 'same-email-managed-and-unmanaged' OR (g.any_managed AND g.any_unmanaged))
        ),
        duplicate AS (
          SELECT product_id, account_id, array_agg(DISTINCT rule ORDER BY rule) AS rules,
                 array_agg(DISTINCT other ORDER BY other) AS other_account_ids
          FROM pair
          GROUP BY product_id, account_id
        )
        SELECT product_id, account_id, replace(verdict, '_', '-'), '{}'::text[], '{}'::text[]
        FROM inactivity WHERE verdict IN ('inactive', 'never_active')
        UNION ALL
        SELECT product_id, account_id, reason, '{}'::text[], '{}'::text[] FROM not_active
        UNION ALL
        SELECT product_id, account_id, 'duplicate-person', rules, other_account_ids FROM duplicate
      $$`,

    // The 0002 view, without protected accounts; its columns are unchanged.
    `CREATE OR REPLACE VIEW seatsync.v_reclaim_candidates AS
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
                                  c.inactive_after_days, 14) IN ('inactive', 'never_active')
        AND s.account_id NOT IN (SELECT pa.account_id FROM seatsync.protected_account(s.connection_id) AS pa)`,

    `CREATE VIEW seatsync.v_reclaim_reasons AS
      SELECT c.id AS connection_id, r.product_id, r.account_id, r.reason, r.rules, r.other_account_ids
      FROM seatsync.connection AS c
      CROSS JOIN LATERAL seatsync.reclaim_reasons(c.id, now(), c.inactive_after_days, 14) AS r
      WHERE r.account_id NOT IN (SELECT pa.account_id FROM seatsync.protected_account(c.id) AS pa)`
  ]
  for (const statement of statements) yield* sql.unsafe(statement)
})

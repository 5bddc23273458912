/**
 * What changed in an organisation over a period, from the history the merge keeps (`change_log`) and the
 * seat ledger: joiners, leavers (soft-deleted), reactivations, billable roles granted and revoked (who,
 * which product, how: directly, through a group — naming the groups the person joined or left in the same
 * run, the likely source, since the store keeps no group → role grants — or inferred), groups created and removed, and the seats per product at the start and end of the period.
 * A connection's first run is its baseline: what it loaded is not a wave of joiners, so it is left out.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"
import type { ConnectionId } from "./Ids.js"
import { RunIdFromString } from "./Ids.js"

type Failure = SqlError.SqlError | ParseResult.ParseError

/** A person who joined, left or came back, and when seatsync saw it. */
export const PersonChange = Schema.Struct({
  accountId: Schema.String,
  /** Null when the account is not stored (any more). */
  name: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  /** `restored`: a soft-deleted account listed again; `status`: suspended or inactive became active. */
  how: Schema.Literal("joined", "left", "restored", "status"),
  runId: RunIdFromString,
  recordedAt: Schema.DateFromSelf
})
export type PersonChange = typeof PersonChange.Type

/** A billable role granted or revoked. */
export const RoleChange = Schema.Struct({
  accountId: Schema.String,
  name: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  productId: Schema.String,
  productKey: Schema.NullOr(Schema.String),
  productName: Schema.NullOr(Schema.String),
  roleId: Schema.String,
  change: Schema.Literal("granted", "revoked"),
  /** How Atlassian said the role was granted: `direct`, `group`, `inferred` (empty when it did not say). */
  grantedVia: Schema.Array(Schema.String),
  /** For a group-granted role, the groups the person joined (granted) or left (revoked) in the same run. */
  groups: Schema.Array(Schema.String),
  runId: RunIdFromString,
  recordedAt: Schema.DateFromSelf
})
export type RoleChange = typeof RoleChange.Type

/** A group created or removed. */
export const GroupChange = Schema.Struct({
  groupId: Schema.String,
  name: Schema.NullOr(Schema.String),
  change: Schema.Literal("created", "removed"),
  runId: RunIdFromString,
  recordedAt: Schema.DateFromSelf
})
export type GroupChange = typeof GroupChange.Type

/** The seats of one product on the first and last ledger day of the period. */
export const SeatMovement = Schema.Struct({
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  fromDay: Schema.String,
  toDay: Schema.String,
  assignedFrom: Schema.Int,
  assignedTo: Schema.Int,
  billableFrom: Schema.Int,
  billableTo: Schema.Int,
  active30From: Schema.Int,
  active30To: Schema.Int
})
export type SeatMovement = typeof SeatMovement.Type

/** Everything that changed for one connection after `since`. */
export interface Changes {
  readonly people: ReadonlyArray<PersonChange>
  readonly roles: ReadonlyArray<RoleChange>
  readonly groups: ReadonlyArray<GroupChange>
  readonly seats: ReadonlyArray<SeatMovement>
}

/** The connection's change-log rows after `since`, without its baseline run. */
const periodRows = (sql: SqlClient.SqlClient, connectionId: ConnectionId, since: Date, entity: string) => sql`
  SELECT cl.* FROM seatsync.change_log AS cl
  WHERE cl.connection_id = ${connectionId} AND cl.entity = ${entity} AND cl.recorded_at > ${since}
    AND cl.run_id > (SELECT min(run_id) FROM seatsync.change_log WHERE connection_id = ${connectionId})`

/** Joiners, leavers and reactivations after `since`, oldest first. */
export const people = (
  connectionId: ConnectionId,
  since: Date
): Effect.Effect<ReadonlyArray<PersonChange>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: PersonChange,
      execute: () => sql`
        SELECT c.entity_key ->> 'account_id' AS "accountId", u.name, u.email,
               CASE c.kind WHEN 'insert' THEN 'joined' WHEN 'delete' THEN 'left' WHEN 'restore' THEN 'restored'
                 ELSE 'status' END AS how,
               c.run_id AS "runId", c.recorded_at AS "recordedAt"
        FROM (${periodRows(sql, connectionId, since, "org_user")}) AS c
        LEFT JOIN seatsync.org_user AS u
          ON u.connection_id = c.connection_id AND u.account_id = c.entity_key ->> 'account_id'
        WHERE c.kind IN ('insert', 'delete', 'restore')
           OR (c.kind = 'update' AND c.changes -> 'status' ->> 'new' = 'active'
               AND c.changes -> 'status' ->> 'old' IS DISTINCT FROM 'active')
        ORDER BY c.id`
    })(undefined)
  ).pipe(Effect.withSpan("ChangeReports.people", { attributes: { connectionId } }))

/**
 * Billable roles granted (a new or restored billable role, or a role that became billable) and revoked (a
 * billable role soft-deleted, or one that stopped being billable) after `since`, oldest first.
 */
export const roles = (
  connectionId: ConnectionId,
  since: Date
): Effect.Effect<ReadonlyArray<RoleChange>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: RoleChange,
      execute: () => sql`
        WITH changed AS (
          SELECT c.id, c.run_id, c.recorded_at, c.entity_key ->> 'account_id' AS account_id,
                 c.entity_key ->> 'product_id' AS product_id, c.entity_key ->> 'role_id' AS role_id,
                 CASE WHEN c.kind IN ('insert', 'restore') THEN 'granted'
                      WHEN c.kind = 'delete' THEN 'revoked'
                      WHEN (c.changes -> 'billable' ->> 'new')::boolean THEN 'granted'
                      ELSE 'revoked' END AS change
          FROM (${periodRows(sql, connectionId, since, "product_role")}) AS c
          JOIN seatsync.product_role AS r
            ON r.connection_id = c.connection_id AND r.account_id = c.entity_key ->> 'account_id'
               AND r.product_id = c.entity_key ->> 'product_id' AND r.role_id = c.entity_key ->> 'role_id'
          WHERE (c.kind IN ('insert', 'restore', 'delete') AND r.billable)
             OR (c.kind = 'update' AND c.changes ? 'billable')
        )
        SELECT ch.account_id AS "accountId", u.name, u.email, ch.product_id AS "productId",
               p.product_key AS "productKey", p.name AS "productName", ch.role_id AS "roleId", ch.change,
               coalesce(r.granted_via, '{}') AS "grantedVia",
               CASE WHEN 'group' = ANY(r.granted_via) THEN coalesce((
                 SELECT array_agg(DISTINCT coalesce(g.name, m.entity_key ->> 'group_id') ORDER BY coalesce(g.name, m.entity_key ->> 'group_id'))
                 FROM seatsync.change_log AS m
                 LEFT JOIN seatsync.org_group AS g
                   ON g.connection_id = m.connection_id AND g.group_id = m.entity_key ->> 'group_id'
                 WHERE m.connection_id = ${connectionId} AND m.run_id = ch.run_id AND m.entity = 'group_membership'
                   AND m.entity_key ->> 'account_id' = ch.account_id
                   AND m.kind IN (CASE WHEN ch.change = 'granted' THEN 'insert' ELSE 'delete' END,
                                  CASE WHEN ch.change = 'granted' THEN 'restore' ELSE 'delete' END)
               ), '{}') ELSE '{}' END AS groups,
               ch.run_id AS "runId", ch.recorded_at AS "recordedAt"
        FROM changed AS ch
        JOIN seatsync.product_role AS r
          ON r.connection_id = ${connectionId} AND r.account_id = ch.account_id AND r.product_id = ch.product_id
             AND r.role_id = ch.role_id
        LEFT JOIN seatsync.org_user AS u ON u.connection_id = ${connectionId} AND u.account_id = ch.account_id
        LEFT JOIN seatsync.product AS p ON p.connection_id = ${connectionId} AND p.product_id = ch.product_id
        ORDER BY ch.id`
    })(undefined)
  ).pipe(Effect.withSpan("ChangeReports.roles", { attributes: { connectionId } }))

/** Groups created (or restored) and removed after `since`, oldest first. */
export const groups = (
  connectionId: ConnectionId,
  since: Date
): Effect.Effect<ReadonlyArray<GroupChange>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: GroupChange,
      execute: () => sql`
        SELECT c.entity_key ->> 'group_id' AS "groupId", g.name,
               CASE WHEN c.kind = 'delete' THEN 'removed' ELSE 'created' END AS change,
               c.run_id AS "runId", c.recorded_at AS "recordedAt"
        FROM (${periodRows(sql, connectionId, since, "org_group")}) AS c
        LEFT JOIN seatsync.org_group AS g
          ON g.connection_id = c.connection_id AND g.group_id = c.entity_key ->> 'group_id'
        WHERE c.kind IN ('insert', 'restore', 'delete')
        ORDER BY c.id`
    })(undefined)
  ).pipe(Effect.withSpan("ChangeReports.groups", { attributes: { connectionId } }))

/**
 * Per product, its seats on the period's first ledger day (the last day on or before `since`, else the
 * first after it) and on its last day.
 */
export const seatMovement = (
  connectionId: ConnectionId,
  since: Date
): Effect.Effect<ReadonlyArray<SeatMovement>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: SeatMovement,
      execute: () => sql`
        WITH bounds AS (
          SELECT l.product_id,
                 coalesce(max(l.day) FILTER (WHERE l.day <= ${since}::date), min(l.day)) AS from_day,
                 max(l.day) AS to_day
          FROM seatsync.seat_ledger AS l
          WHERE l.connection_id = ${connectionId}
          GROUP BY l.product_id
        )
        SELECT b.product_id AS "productId", coalesce(p.product_key, b.product_id) AS "productKey",
               coalesce(p.name, b.product_id) AS "productName",
               to_char(b.from_day, 'YYYY-MM-DD') AS "fromDay", to_char(b.to_day, 'YYYY-MM-DD') AS "toDay",
               f.assigned AS "assignedFrom", t.assigned AS "assignedTo", f.billable AS "billableFrom",
               t.billable AS "billableTo", f.active_30 AS "active30From", t.active_30 AS "active30To"
        FROM bounds AS b
        JOIN seatsync.seat_ledger AS f
          ON f.connection_id = ${connectionId} AND f.product_id = b.product_id AND f.day = b.from_day
        JOIN seatsync.seat_ledger AS t
          ON t.connection_id = ${connectionId} AND t.product_id = b.product_id AND t.day = b.to_day
        LEFT JOIN seatsync.product AS p ON p.connection_id = ${connectionId} AND p.product_id = b.product_id
        ORDER BY "productKey", b.product_id`
    })(undefined)
  ).pipe(Effect.withSpan("ChangeReports.seatMovement", { attributes: { connectionId } }))

/** Everything that changed for one connection after `since`. */
export const changes = (
  connectionId: ConnectionId,
  since: Date
): Effect.Effect<Changes, Failure, SqlClient.SqlClient> =>
  Effect.all({
    people: people(connectionId, since),
    roles: roles(connectionId, since),
    groups: groups(connectionId, since),
    seats: seatMovement(connectionId, since)
  })

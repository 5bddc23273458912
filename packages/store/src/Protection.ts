/**
 * Protected accounts and groups of a connection: the accounts a reviewer says must never be reclaim
 * candidates (service accounts, break-glass admins, people on leave), directly or as members of a protected
 * group, each with who protected it, why and when. Protecting a subject again replaces its reason.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"
import type { ConnectionId } from "./Ids.js"

type Failure = SqlError.SqlError | ParseResult.ParseError

/** What is protected: one account, or every live member of one group. */
export const SubjectKind = Schema.Literal("account", "group")
export type SubjectKind = typeof SubjectKind.Type

export interface Subject {
  readonly kind: SubjectKind
  /** The Atlassian account id or group id. */
  readonly id: string
}

export const Protection = Schema.Struct({
  kind: SubjectKind,
  id: Schema.String,
  /** The account's or group's name, when the last sync saw it (null: not, or not yet, in the organisation). */
  name: Schema.NullOr(Schema.String),
  /** A group's live members (null for an account). */
  members: Schema.NullOr(Schema.Int),
  reason: Schema.String,
  setBy: Schema.String,
  setAt: Schema.DateFromSelf
})
export type Protection = typeof Protection.Type

const columnOf = (sql: SqlClient.SqlClient, kind: SubjectKind) =>
  kind === "account" ? sql`account_id` : sql`group_id`

const selectProtections = (sql: SqlClient.SqlClient, connectionId: ConnectionId) => sql`
  SELECT CASE WHEN s.account_id IS NULL THEN 'group' ELSE 'account' END AS kind,
         coalesce(s.account_id, s.group_id) AS id, coalesce(u.name, g.name) AS name,
         CASE WHEN s.group_id IS NULL THEN NULL ELSE (
           SELECT count(*)::int FROM seatsync.group_membership AS m
           WHERE m.connection_id = s.connection_id AND m.group_id = s.group_id AND m.deleted_at IS NULL) END AS members,
         s.reason, s.set_by AS "setBy", s.set_at AS "setAt"
  FROM seatsync.protected_subject AS s
  LEFT JOIN seatsync.org_user AS u
    ON u.connection_id = s.connection_id AND u.account_id = s.account_id AND u.deleted_at IS NULL
  LEFT JOIN seatsync.org_group AS g
    ON g.connection_id = s.connection_id AND g.group_id = s.group_id AND g.deleted_at IS NULL
  WHERE s.connection_id = ${connectionId}`

/** Protects an account or a group (again: replaces who, why and when); returns the protection. */
export const protect = (
  connectionId: ConnectionId,
  subject: Subject,
  decision: { readonly reason: string; readonly setBy: string }
): Effect.Effect<Protection, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.gen(function* () {
      const column = columnOf(sql, subject.kind)
      yield* sql`
        INSERT INTO seatsync.protected_subject (connection_id, ${column}, reason, set_by)
        VALUES (${connectionId}, ${subject.id}, ${decision.reason}, ${decision.setBy})
        ON CONFLICT (connection_id, ${column}) WHERE ${column} IS NOT NULL
        DO UPDATE SET reason = EXCLUDED.reason, set_by = EXCLUDED.set_by, set_at = now()`
      return yield* SqlSchema.single({
        Request: Schema.Void,
        Result: Protection,
        execute: () => sql`${selectProtections(sql, connectionId)} AND s.${column} = ${subject.id}`
        // The row was written just above, in the same transaction.
      })(undefined).pipe(Effect.catchTag("NoSuchElementException", (missing) => Effect.die(missing)))
    }).pipe(sql.withTransaction)
  ).pipe(Effect.withSpan("Protection.protect", { attributes: { connectionId } }))

/** The connection's protections, accounts first, then groups, each by id. */
export const list = (
  connectionId: ConnectionId
): Effect.Effect<ReadonlyArray<Protection>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: Protection,
      execute: () => sql`${selectProtections(sql, connectionId)} ORDER BY kind, id`
    })(undefined)
  ).pipe(Effect.withSpan("Protection.list", { attributes: { connectionId } }))

/** Removes a protection; false when the subject was not protected. */
export const unprotect = (
  connectionId: ConnectionId,
  subject: Subject
): Effect.Effect<boolean, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly removed: number }>`
        WITH removed AS (
          DELETE FROM seatsync.protected_subject
          WHERE connection_id = ${connectionId} AND ${columnOf(sql, subject.kind)} = ${subject.id}
          RETURNING 1)
        SELECT count(*)::int AS removed FROM removed`,
      (rows) => (rows[0]?.removed ?? 0) > 0
    )
  ).pipe(Effect.withSpan("Protection.unprotect", { attributes: { connectionId } }))

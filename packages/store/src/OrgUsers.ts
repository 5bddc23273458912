/**
 * Organisation users: run-scoped staging in bulk and the atomic merge of a run's staged users into the live
 * `org_user` table (insert new, update changed, restore returning, soft-delete absent).
 */
import { SqlClient, type SqlError, SqlSchema, type Statement } from "@effect/sql"
import { OrgUser } from "@seatsync/normalise"
import { Effect, type ParseResult, Schema } from "effect"
import { SyncRunNotRunning } from "./Errors.js"
import { ConnectionId, type RunId, RunIdFromString } from "./Ids.js"
import { booleanArray, nestedTextArray, textArray, timestampArray } from "./internal/pgArray.js"

/** Every `OrgUser` field but the key, with its column and PostgreSQL type: the "content" of a row. */
const contentColumns = [
  { field: "accountType", column: "account_type", type: "text" },
  { field: "name", column: "name", type: "text" },
  { field: "nickname", column: "nickname", type: "text" },
  { field: "email", column: "email", type: "text" },
  { field: "emailDomain", column: "email_domain", type: "text" },
  { field: "status", column: "status", type: "text" },
  { field: "accountStatus", column: "account_status", type: "text" },
  { field: "membershipStatus", column: "membership_status", type: "text" },
  { field: "claimStatus", column: "claim_status", type: "text" },
  { field: "managementSource", column: "management_source", type: "text" },
  { field: "mfaEnabled", column: "mfa_enabled", type: "boolean" },
  { field: "addedToOrg", column: "added_to_org", type: "timestamptz" },
  { field: "jobTitle", column: "job_title", type: "text" },
  { field: "department", column: "department", type: "text" },
  { field: "timeZone", column: "time_zone", type: "text" },
  { field: "platformRoles", column: "platform_roles", type: "text[]" }
] as const satisfies ReadonlyArray<{
  readonly field: Exclude<keyof typeof OrgUser.fields, "accountId">
  readonly column: string
  readonly type: string
}>

/** Column lists, built from constants only (never from input). */
const list = (render: (column: string) => string) =>
  contentColumns.map(({ column }) => render(column)).join(", ")
const contentNames = list((c) => c)
const selectUser = `account_id AS "accountId", ${contentColumns.map(({ field, column }) => `${column} AS "${field}"`).join(", ")}`

/** What a merge did, counted in users. */
export interface MergeResult {
  /** New users (first seen). */
  readonly inserted: number
  /** Live users whose content changed. */
  readonly updated: number
  /** Soft-deleted users that came back (their content is refreshed too). */
  readonly restored: number
  /** Live users absent from a complete run, now soft-deleted. */
  readonly deleted: number
  /** Staged users identical to their live row: not written at all. */
  readonly unchanged: number
}

/** A stored user with its bookkeeping: see the README for what `lastSeenRun` means. */
export const StoredOrgUser = Schema.Struct({
  ...OrgUser.fields,
  firstSeenRun: RunIdFromString,
  lastSeenRun: RunIdFromString,
  deletedAt: Schema.NullOr(Schema.DateFromSelf)
})
export type StoredOrgUser = typeof StoredOrgUser.Type

type Failure = SqlError.SqlError | ParseResult.ParseError

/** A single row of `count(*)::int` columns. */
const counts = <const K extends string>(...names: ReadonlyArray<K>) =>
  Schema.Tuple(
    Schema.Struct(Object.fromEntries(names.map((name) => [name, Schema.Int])) as Record<K, typeof Schema.Int>)
  )

const decode = <A, I>(
  schema: Schema.Schema<A, I>,
  rows: Effect.Effect<ReadonlyArray<object>, SqlError.SqlError>
) => Effect.flatMap(rows, Schema.decodeUnknown(schema))

const isUniqueViolation = (error: SqlError.SqlError): boolean =>
  typeof error.cause === "object" &&
  error.cause !== null &&
  "code" in error.cause &&
  error.cause.code === "23505"

/**
 * Writes one batch of a run's users into staging with a single `INSERT … SELECT FROM unnest(…)`: one array
 * parameter per column, so the statement has 19 parameters whatever the batch size. A user staged twice
 * in a run keeps its last version. Returns the number of distinct users written.
 */
export const stage = (
  runId: RunId,
  connectionId: ConnectionId,
  users: ReadonlyArray<OrgUser>
): Effect.Effect<number, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    if (users.length === 0) return 0
    const sql = yield* SqlClient.SqlClient
    const latest = [...new Map(users.map((user) => [user.accountId, user] as const)).values()]
    const column = (field: (typeof contentColumns)[number]["field"]): string => {
      switch (field) {
        case "mfaEnabled":
          return booleanArray(latest.map((user) => user.mfaEnabled))
        case "addedToOrg":
          return timestampArray(latest.map((user) => user.addedToOrg))
        case "platformRoles":
          return nestedTextArray(latest.map((user) => user.platformRoles))
        default:
          return textArray(latest.map((user) => user[field]))
      }
    }
    // Each array travels as one literal string parameter, cast on arrival; the text[] column arrives as
    // text[] of text[] literals (unnest would flatten a two-dimensional array) and is cast per row.
    const arrays = contentColumns.map(
      ({ field, type }) => sql`${column(field)}::${sql.literal(type === "text[]" ? "text" : type)}[]`
    )
    const values = contentColumns.map(({ column, type }) =>
      sql.literal(type === "text[]" ? `t.${column}::text[]` : `t.${column}`)
    )
    const insert = (onConflict: Statement.Fragment) => sql`
      INSERT INTO seatsync.org_user_stage (run_id, connection_id, account_id, ${sql.literal(contentNames)})
      SELECT ${runId}::bigint, ${connectionId}::integer, t.account_id, ${sql.csv(values)}
      FROM unnest(${textArray(latest.map((user) => user.accountId))}::text[], ${sql.csv(arrays)})
        AS t(account_id, ${sql.literal(contentNames)})
      ${onConflict}`
    // A user staged again in a later batch (pages shift while an organisation changes) replaces the earlier
    // version. ON CONFLICT's per-row speculative insertion costs about 40% more than a plain INSERT, so try
    // the plain one first, in a transaction (a savepoint inside the caller's), and fall back on a duplicate.
    yield* sql
      .withTransaction(insert(sql``))
      .pipe(
        Effect.catchIf(isUniqueViolation, () =>
          insert(
            sql`ON CONFLICT (run_id, account_id) DO UPDATE SET ${sql.literal(list((c) => `${c} = excluded.${c}`))}`
          )
        )
      )
    return latest.length
  }).pipe(Effect.withSpan("OrgUsers.stage", { attributes: { runId, connectionId, users: users.length } }))

/**
 * Merges a run's staged users into `org_user` in one transaction, then deletes the run's staging rows:
 * - new users are inserted (`first_seen_run = last_seen_run = run`);
 * - live users are updated only when a content column `IS DISTINCT FROM` the staged value — an unchanged
 *   user is not written at all, so `last_seen_run` moves only on insert, change or restore;
 * - soft-deleted users that are staged again are restored (`deleted_at = NULL`) and refreshed;
 * - when `complete` (every page of the enumeration arrived), live users absent from staging get
 *   `deleted_at = now()`; an incomplete run never deletes.
 * Fails with `SyncRunNotRunning` unless the run exists for this connection and is `running`.
 */
export const merge = (
  runId: RunId,
  connectionId: ConnectionId,
  options: { readonly complete: boolean }
): Effect.Effect<MergeResult, Failure | SyncRunNotRunning, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const run = yield* decode(
      Schema.Array(Schema.Struct({ status: Schema.String })),
      sql`
        SELECT status FROM seatsync.sync_run
        WHERE id = ${runId} AND connection_id = ${connectionId}
        FOR UPDATE`
    )
    const status = run[0]?.status ?? null
    if (status !== "running") return yield* new SyncRunNotRunning({ runId, status })

    const [{ staged }] = yield* decode(
      counts("staged"),
      sql`
        SELECT count(*)::int AS staged FROM seatsync.org_user_stage
        WHERE run_id = ${runId} AND connection_id = ${connectionId}`
    )

    // The outer SELECT reads org_user as it was before the UPDATE (one snapshot per statement), which tells
    // a restored row from an updated one.
    const [{ updated, restored }] = yield* decode(
      counts("updated", "restored"),
      sql`
      WITH changed AS (
        UPDATE seatsync.org_user AS u SET
          ${sql.literal(list((c) => `${c} = s.${c}`))},
          last_seen_run = ${runId}::bigint,
          deleted_at = NULL
        FROM seatsync.org_user_stage AS s
        WHERE s.run_id = ${runId} AND s.connection_id = ${connectionId}
          AND u.connection_id = ${connectionId} AND u.account_id = s.account_id
          AND (u.deleted_at IS NOT NULL
               OR (${sql.literal(list((c) => `u.${c}`))}) IS DISTINCT FROM (${sql.literal(list((c) => `s.${c}`))}))
        RETURNING u.account_id
      )
      SELECT count(*) FILTER (WHERE before.deleted_at IS NULL)::int AS updated,
             count(*) FILTER (WHERE before.deleted_at IS NOT NULL)::int AS restored
      FROM changed
      JOIN seatsync.org_user AS before
        ON before.connection_id = ${connectionId} AND before.account_id = changed.account_id`
    )

    const [{ inserted }] = yield* decode(
      counts("inserted"),
      sql`
      WITH inserted AS (
        INSERT INTO seatsync.org_user
          (connection_id, account_id, ${sql.literal(contentNames)}, first_seen_run, last_seen_run)
        SELECT ${connectionId}::integer, s.account_id, ${sql.literal(list((c) => `s.${c}`))},
               ${runId}::bigint, ${runId}::bigint
        FROM seatsync.org_user_stage AS s
        WHERE s.run_id = ${runId} AND s.connection_id = ${connectionId}
          -- Existing users (live or soft-deleted) were handled above: an anti-join skips them cheaply, and the
          -- ON CONFLICT clause is only a safety net (its per-row probes cost far more than a hash anti-join).
          AND NOT EXISTS (
            SELECT 1 FROM seatsync.org_user AS u
            WHERE u.connection_id = ${connectionId} AND u.account_id = s.account_id)
        ON CONFLICT (connection_id, account_id) DO NOTHING
        RETURNING 1
      )
      SELECT count(*)::int AS inserted FROM inserted`
    )

    const [{ deleted }] = options.complete
      ? yield* decode(
          counts("deleted"),
          sql`
          WITH deleted AS (
            UPDATE seatsync.org_user AS u SET deleted_at = now()
            WHERE u.connection_id = ${connectionId} AND u.deleted_at IS NULL
              AND NOT EXISTS (
                SELECT 1 FROM seatsync.org_user_stage AS s
                WHERE s.run_id = ${runId} AND s.connection_id = ${connectionId} AND s.account_id = u.account_id)
            RETURNING 1
          )
          SELECT count(*)::int AS deleted FROM deleted`
        )
      : [{ deleted: 0 }]

    yield* sql`DELETE FROM seatsync.org_user_stage WHERE run_id = ${runId}`

    return {
      inserted,
      updated,
      restored,
      deleted,
      unchanged: staged - inserted - updated - restored
    } satisfies MergeResult
  }).pipe(
    (effect) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        // Fresh statistics on the just-filled staging table keep the planner on hash joins (stale ones
        // invite nested loops that go quadratic). Run before our transaction so that its lock (which only
        // other ANALYZEs and VACUUMs wait for) is released at once, unless the caller holds a transaction.
        Effect.zipRight(
          sql`ANALYZE seatsync.org_user_stage (run_id, account_id)`,
          sql.withTransaction(effect)
        )
      ),
    Effect.withSpan("OrgUsers.merge", { attributes: { runId, connectionId, complete: options.complete } })
  )

/** Drops a run's staged users without merging them (the run failed or was interrupted). */
export const discardStage = (runId: RunId): Effect.Effect<number, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      decode(
        counts("discarded"),
        sql`
          WITH discarded AS (DELETE FROM seatsync.org_user_stage WHERE run_id = ${runId} RETURNING 1)
          SELECT count(*)::int AS discarded FROM discarded`
      ),
      ([{ discarded }]) => discarded
    )
  )

/** The connection's live (not soft-deleted) users, by account id. */
export const listLive = (
  connectionId: ConnectionId
): Effect.Effect<ReadonlyArray<OrgUser>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: ConnectionId,
      Result: OrgUser,
      execute: (id) => sql`
        SELECT ${sql.literal(selectUser)} FROM seatsync.org_user
        WHERE connection_id = ${id} AND deleted_at IS NULL
        ORDER BY account_id`
    })(connectionId)
  )

/** Every stored user of the connection, soft-deleted ones included, with bookkeeping columns. */
export const listStored = (
  connectionId: ConnectionId
): Effect.Effect<ReadonlyArray<StoredOrgUser>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: ConnectionId,
      Result: StoredOrgUser,
      execute: (id) => sql`
        SELECT ${sql.literal(selectUser)}, first_seen_run AS "firstSeenRun", last_seen_run AS "lastSeenRun",
               deleted_at AS "deletedAt"
        FROM seatsync.org_user
        WHERE connection_id = ${id}
        ORDER BY account_id`
    })(connectionId)
  )

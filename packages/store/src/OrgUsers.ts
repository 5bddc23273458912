/**
 * Organisation users: run-scoped staging in bulk and the atomic merge of a run's staged users into the live
 * `org_user` table (insert new, update changed, restore returning, soft-delete absent), through the generic
 * `Staging` / entity merge every entity uses; plus reads of stored users.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { OrgUser } from "@seatsync/normalise"
import { Effect, type ParseResult, Schema } from "effect"
import { orgUser } from "./Entities.js"
import { SyncRunNotRunning } from "./Errors.js"
import { ConnectionId, type RunId, RunIdFromString } from "./Ids.js"
import { analyzeStage, type MergeResult as EntityMergeResult, mergeEntity } from "./internal/entityMerge.js"
import * as Staging from "./Staging.js"

const selectUser = `account_id AS "accountId", ${orgUser.content.map(({ field, column }) => `${column} AS "${field}"`).join(", ")}`

/** What a merge did, counted in users. */
export type MergeResult = EntityMergeResult

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

/**
 * Writes one batch of a run's users into staging (`Staging.stage("org_user", …)`). A user staged twice in a
 * run keeps its last version. Returns the number of distinct users written.
 */
export const stage = (
  runId: RunId,
  connectionId: ConnectionId,
  users: ReadonlyArray<OrgUser>
): Effect.Effect<number, SqlError.SqlError, SqlClient.SqlClient> =>
  Staging.stage("org_user", runId, connectionId, users)

/**
 * Merges a run's staged users into `org_user` in one transaction (with their `change_log` rows), then deletes
 * the run's user staging rows:
 * - new users are inserted (`first_seen_run = last_seen_run = run`);
 * - live users are updated only when a content column `IS DISTINCT FROM` the staged value — an unchanged
 *   user is not written at all, so `last_seen_run` moves only on insert, change or restore;
 * - soft-deleted users that are staged again are restored (`deleted_at = NULL`) and refreshed;
 * - when `complete` (every page of the enumeration arrived), live users absent from staging get
 *   `deleted_at = now()`; an incomplete run never deletes.
 * No deletion guard and the run stays `running`: a sync of several entities uses `RunMerge.mergeRun`.
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
    const result = yield* mergeEntity(orgUser, runId, connectionId, options.complete)
    yield* sql`DELETE FROM seatsync.org_user_stage WHERE run_id = ${runId}`
    return result
  }).pipe(
    (effect) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        Effect.zipRight(analyzeStage(orgUser), sql.withTransaction(effect))
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

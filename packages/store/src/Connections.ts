/**
 * The connection registry: one row per Atlassian organisation seatsync syncs, upserted by its name.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type Option, type ParseResult, Schema } from "effect"
import * as ConnectionRules from "./ConnectionRules.js"
import { ConnectionId } from "./Ids.js"

export const Guard = Schema.Literal("enabled", "disabled", "unknown")
export type Guard = typeof Guard.Type

/** A slug: lower-case letters, digits and inner hyphens, at most 63 characters (`ConnectionRules`). */
export const ConnectionName = ConnectionRules.ConnectionName

/** A stored connection. */
export class Connection extends Schema.Class<Connection>("Connection")({
  id: ConnectionId,
  name: ConnectionName,
  orgId: Schema.String,
  siteUrl: Schema.NullOr(Schema.String),
  guard: Guard,
  /** Cron expression, evaluated in `timeZone`. */
  schedule: Schema.String,
  /** IANA time zone. */
  timeZone: Schema.String,
  inactiveAfterDays: Schema.Int,
  /** The org API key, AES-256-GCM-encrypted; null when the key comes from the environment. */
  apiKeyCiphertext: Schema.NullOr(Schema.Uint8ArrayFromSelf),
  /**
   * The day the stored key expires (YYYY-MM-DD), as Atlassian showed it when the key was created; null when
   * not recorded. A new key without a date clears it.
   */
  apiKeyExpiresOn: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  /** The Atlassian account email for Jira's site API (`/rest/api/3/applicationrole`), if configured. */
  jiraEmail: Schema.NullOr(Schema.String),
  /** That account's API token, AES-256-GCM-encrypted like the org key. */
  jiraTokenCiphertext: Schema.NullOr(Schema.Uint8ArrayFromSelf),
  /** When the worker paused the connection after repeated failures; null while it is scheduled. */
  pausedAt: Schema.NullOr(Schema.DateFromSelf),
  /** Why it was paused: the failure that tipped it over, in one sentence. */
  pausedReason: Schema.NullOr(Schema.String),
  /** Scheduled runs that failed in a row since the last success, resume or configuration change. */
  consecutiveFailures: Schema.Int,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
}) {}

/**
 * What `upsert` accepts. Omitted optional fields keep their stored value on update and take the column
 * default on insert (guard `unknown`, schedule `0 2 * * *` in `UTC`, 90 inactive days). An update that
 * changes anything resumes a paused connection and resets its failure streak: a configuration change is
 * the operator's answer to whatever paused it.
 */
export const ConnectionInput = Schema.Struct({
  name: ConnectionRules.ConnectionName,
  orgId: ConnectionRules.OrgId,
  siteUrl: Schema.optional(Schema.NullOr(ConnectionRules.SiteUrl)),
  guard: Schema.optional(Guard),
  schedule: Schema.optional(ConnectionRules.CronSchedule),
  timeZone: Schema.optional(ConnectionRules.TimeZone),
  inactiveAfterDays: Schema.optional(ConnectionRules.InactiveAfterDays),
  apiKeyCiphertext: Schema.optional(Schema.NullOr(Schema.Uint8ArrayFromSelf)),
  apiKeyExpiresOn: Schema.optional(Schema.NullOr(ConnectionRules.KeyExpiryDate)),
  /** Set both or neither (a database constraint holds them together). */
  jiraEmail: Schema.optional(Schema.NullOr(ConnectionRules.JiraEmail)),
  jiraTokenCiphertext: Schema.optional(Schema.NullOr(Schema.Uint8ArrayFromSelf))
})
export type ConnectionInput = typeof ConnectionInput.Type

const optionalColumns = [
  ["siteUrl", "site_url"],
  ["guard", "guard"],
  ["schedule", "schedule"],
  ["timeZone", "time_zone"],
  ["inactiveAfterDays", "inactive_after_days"],
  ["apiKeyCiphertext", "api_key_ciphertext"],
  ["apiKeyExpiresOn", "api_key_expires_on"],
  ["jiraEmail", "jira_email"],
  ["jiraTokenCiphertext", "jira_token_ciphertext"]
] as const

const selectColumns = `id, name, org_id AS "orgId", site_url AS "siteUrl", guard, schedule, time_zone AS "timeZone",
  inactive_after_days AS "inactiveAfterDays", api_key_ciphertext AS "apiKeyCiphertext",
  to_char(api_key_expires_on, 'YYYY-MM-DD') AS "apiKeyExpiresOn",
  jira_email AS "jiraEmail", jira_token_ciphertext AS "jiraTokenCiphertext", paused_at AS "pausedAt",
  paused_reason AS "pausedReason", consecutive_failures AS "consecutiveFailures",
  created_at AS "createdAt", updated_at AS "updatedAt"`

/** Inserts or updates the connection called `input.name`; `updatedAt` moves only when something changed. */
export const upsert = (
  input: ConnectionInput
): Effect.Effect<Connection, SqlError.SqlError | ParseResult.ParseError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const valid = yield* Schema.decodeUnknown(ConnectionInput)(input)
    const row: Record<string, unknown> = { name: valid.name, org_id: valid.orgId }
    for (const [field, column] of optionalColumns) {
      if (valid[field] !== undefined) row[column] = valid[field]
    }
    const updated = Object.keys(row).filter((column) => column !== "name")
    const current = sql.csv(updated.map((column) => sql`seatsync.connection.${sql(column)}`))
    const proposed = sql.csv(updated.map((column) => sql`excluded.${sql(column)}`))
    const rows = yield* sql`
      INSERT INTO seatsync.connection ${sql.insert(row)}
      ON CONFLICT (name) DO UPDATE SET
        ${sql.csv(updated.map((column) => sql`${sql(column)} = excluded.${sql(column)}`))},
        updated_at = CASE WHEN (${current}) IS DISTINCT FROM (${proposed}) THEN now()
                          ELSE seatsync.connection.updated_at END,
        paused_at = CASE WHEN (${current}) IS DISTINCT FROM (${proposed}) THEN NULL
                         ELSE seatsync.connection.paused_at END,
        paused_reason = CASE WHEN (${current}) IS DISTINCT FROM (${proposed}) THEN NULL
                             ELSE seatsync.connection.paused_reason END,
        consecutive_failures = CASE WHEN (${current}) IS DISTINCT FROM (${proposed}) THEN 0
                                    ELSE seatsync.connection.consecutive_failures END
      RETURNING ${sql.literal(selectColumns)}`
    return yield* Schema.decodeUnknown(Connection)(rows[0])
  }).pipe(Effect.withSpan("Connections.upsert", { attributes: { name: input.name } }))

/** The connection called `name`, if any. */
export const findByName = (
  name: string
): Effect.Effect<
  Option.Option<Connection>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findOne({
      Request: Schema.String,
      Result: Connection,
      execute: (name) =>
        sql`SELECT ${sql.literal(selectColumns)} FROM seatsync.connection WHERE name = ${name}`
    })(name)
  )

/** The connection with id `id`, if any. */
export const findById = (
  id: ConnectionId
): Effect.Effect<
  Option.Option<Connection>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findOne({
      Request: ConnectionId,
      Result: Connection,
      execute: (id) => sql`SELECT ${sql.literal(selectColumns)} FROM seatsync.connection WHERE id = ${id}`
    })(id)
  )

/** Every connection, by name. */
export const list: Effect.Effect<
  ReadonlyArray<Connection>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  SqlSchema.findAll({
    Request: Schema.Void,
    Result: Connection,
    execute: () => sql`SELECT ${sql.literal(selectColumns)} FROM seatsync.connection ORDER BY name`
  })(undefined)
)

/**
 * Deletes the connection called `name` and, through `ON DELETE CASCADE`, every row stored for it (runs,
 * users, history). Returns whether it existed.
 */
export const remove = (name: string): Effect.Effect<boolean, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly id: number }>`DELETE FROM seatsync.connection WHERE name = ${name} RETURNING id`,
      (rows) => rows.length > 0
    )
  )

/**
 * Resumes the connection called `name` (`seatsync connect <name> --resume`): clears the pause and the
 * failure streak. Returns the connection, or none when there is no such connection.
 */
export const resume = (
  name: string
): Effect.Effect<
  Option.Option<Connection>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findOne({
      Request: Schema.String,
      Result: Connection,
      execute: (name) => sql`
        UPDATE seatsync.connection SET paused_at = NULL, paused_reason = NULL, consecutive_failures = 0
        WHERE name = ${name}
        RETURNING ${sql.literal(selectColumns)}`
    })(name)
  ).pipe(Effect.withSpan("Connections.resume", { attributes: { name } }))

/** A scheduled run's outcome as far as pausing is concerned. */
export interface FailureStreak {
  readonly consecutiveFailures: number
  /** Whether this failure paused the connection (it was not paused before). */
  readonly pausedNow: boolean
}

/**
 * Records that a scheduled run of the connection failed. When this makes `pauseAfter` failures in a row the
 * connection is paused with `reason`; the worker skips it until it is resumed or reconfigured.
 */
export const recordFailure = (
  id: ConnectionId,
  options: { readonly reason: string; readonly pauseAfter: number }
): Effect.Effect<FailureStreak, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ readonly streak: number; readonly pausedNow: boolean }>`
      WITH before AS (SELECT paused_at FROM seatsync.connection WHERE id = ${id} FOR UPDATE)
      UPDATE seatsync.connection AS c SET
        consecutive_failures = c.consecutive_failures + 1,
        paused_at = CASE WHEN c.paused_at IS NULL AND c.consecutive_failures + 1 >= ${options.pauseAfter}
                         THEN now() ELSE c.paused_at END,
        paused_reason = CASE WHEN c.paused_at IS NULL AND c.consecutive_failures + 1 >= ${options.pauseAfter}
                             THEN ${options.reason} ELSE c.paused_reason END
      FROM before
      WHERE c.id = ${id}
      RETURNING c.consecutive_failures AS streak,
                (before.paused_at IS NULL AND c.paused_at IS NOT NULL) AS "pausedNow"`
    const row = rows[0]
    return { consecutiveFailures: row?.streak ?? 0, pausedNow: row?.pausedNow ?? false }
  }).pipe(Effect.withSpan("Connections.recordFailure", { attributes: { id } }))

/** Records that a scheduled run of the connection succeeded: the failure streak starts again from zero. */
export const recordSuccess = (
  id: ConnectionId
): Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.asVoid(sql`UPDATE seatsync.connection SET consecutive_failures = 0 WHERE id = ${id}`)
  ).pipe(Effect.withSpan("Connections.recordSuccess", { attributes: { id } }))

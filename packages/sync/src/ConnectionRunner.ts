/**
 * Running a stored connection: the one way the CLI, the worker and library users go from a connection's name
 * (or id) to a run. It finds the connection, decrypts its secrets, builds the Atlassian client with the
 * process's base URL and pacing (`RunnerConfig`), reads exact Jira seats when the connection has site
 * credentials, and runs `runSync` or `backfillLastActive`. A run that fails before the pipeline starts (a
 * missing or undecryptable key, an invalid base URL) is still recorded in the run ledger as failed.
 */
import { HttpClient } from "@effect/platform"
import { SqlClient, type SqlError } from "@effect/sql"
import {
  AtlassianClient,
  type AtlassianClientConfig,
  type InvalidConfig,
  SiteClient
} from "@seatsync/atlassian-client"
import {
  type ApiKeyCipher,
  type ConnectionId,
  ConnectionSecrets,
  Connections,
  KeyExpiry,
  Locks,
  SyncRuns
} from "@seatsync/store"
import {
  Clock,
  Config,
  type ConfigError,
  Context,
  Effect,
  Layer,
  Option,
  type ParseResult,
  type Redacted,
  type Scope
} from "effect"
import { type BackfillOptions, type BackfillSummary, backfillLastActive } from "./BackfillLastActive.js"
import { ApiKeyMissing, ConnectionNotFound } from "./ConnectionErrors.js"
import * as RunnerConfig from "./RunnerConfig.js"
import { type RunSyncOptions, runSync, type SyncError } from "./RunSync.js"
import { readSiteSeats } from "./SiteSeats.js"
import type { SyncSummary } from "./SyncSummary.js"

/** A connection by its name or id, or one already loaded. */
export type ConnectionRef = { readonly name: string } | { readonly id: ConnectionId } | Connections.Connection

/** Where the organisation API key comes from. */
export type ApiKeySource =
  /** The key stored (encrypted) with the connection; `ATLASSIAN_API_KEY` for a connection stored without one. */
  | { readonly _tag: "Stored" }
  /** An environment variable named by the operator (`--api-key-env`), instead of the stored key. */
  | { readonly _tag: "Environment"; readonly variable: string }
  /** A key the caller already holds (the demo's simulator key, a key read on standard input). */
  | { readonly _tag: "Given"; readonly apiKey: Redacted.Redacted<string> }

export const storedKey: ApiKeySource = { _tag: "Stored" }

/** How a session is opened. */
export interface OpenOptions {
  /** Who runs it, recorded in the ledger. */
  readonly trigger: SyncRuns.Trigger
  /** Default: the stored key. */
  readonly apiKey?: ApiKeySource | undefined
  /** Overrides the process's base URL or pacing for this connection (the demo's in-process simulator). */
  readonly endpoint?: Partial<AtlassianClientConfig.EndpointSettings> | undefined
  /** The scheduled slot a worker run serves, recorded in the ledger with every run of the session. */
  readonly slot?: Date | undefined
  /** Record a failed run when the session cannot be opened (default true). */
  readonly recordFailure?: boolean | undefined
}

/** What can stop a session from opening. */
export type PrepareError =
  | ConnectionNotFound
  | ApiKeyMissing
  | ConnectionSecrets.SecretError
  | ConnectionSecrets.JiraTokenUndecryptable
  | ApiKeyCipher.EncryptionKeyMissing
  | ApiKeyCipher.EncryptionKeyInvalid
  | InvalidConfig
  | SqlError.SqlError
  | ParseResult.ParseError

/** Sync options a session fills in itself: its trigger, slot, Jira seats and Guard (the connection's). */
export type SessionSyncOptions = Omit<RunSyncOptions, "trigger" | "slot" | "siteSeats" | "guard">

/**
 * One connection, ready to run: its secrets decrypted and one Atlassian client built, so that the sync and
 * the backfill of a session share the organisation's rate budget.
 */
export interface ConnectionSession {
  readonly connection: Connections.Connection
  /** The base URL the session's client talks to. */
  readonly adminBaseUrl: string
  readonly sync: (options?: SessionSyncOptions) => Effect.Effect<SyncSummary, RunError>
  readonly backfill: (options?: Omit<BackfillOptions, "trigger">) => Effect.Effect<BackfillSummary, RunError>
}

/** How a run of a session can fail: the pipeline's errors, and a rejected key past its recorded expiry. */
export type RunError = SyncError | KeyExpiry.ApiKeyExpired

export interface ConnectionRunnerShape {
  /** The base URL, pacing and site-host rule in force. */
  readonly config: RunnerConfig.RunnerConfig
  /** The stored connection, or `ConnectionNotFound`. */
  readonly find: (
    ref: ConnectionRef
  ) => Effect.Effect<Connections.Connection, ConnectionNotFound | SqlError.SqlError | ParseResult.ParseError>
  /**
   * The connection's API key from `source` (default: the stored key; a connection not stored yet, given by
   * its name alone, has none, so `ATLASSIAN_API_KEY` is read).
   */
  readonly apiKey: (
    connection: Connections.Connection | { readonly name: string },
    source?: ApiKeySource
  ) => Effect.Effect<Redacted.Redacted<string>, ApiKeyMissing | ConnectionSecrets.SecretError>
  /** The Admin API client for `apiKey` with the process's base URL and pacing (or `endpoint`'s). */
  readonly client: (
    apiKey: Redacted.Redacted<string>,
    endpoint?: Partial<AtlassianClientConfig.EndpointSettings>
  ) => Layer.Layer<AtlassianClient.AtlassianClient, InvalidConfig>
  /** The site client (cloudId lookup, Jira seats) under the process's site-host rule. */
  readonly siteClient: Layer.Layer<SiteClient.SiteClient>
  /** Opens a session: finds the connection, decrypts its secrets and builds its client. */
  readonly open: (
    ref: ConnectionRef,
    options: OpenOptions
  ) => Effect.Effect<ConnectionSession, PrepareError, Scope.Scope>
  /** One sync of a connection (`open` + `session.sync`). */
  readonly sync: (
    ref: ConnectionRef,
    options: OpenOptions & SessionSyncOptions
  ) => Effect.Effect<SyncSummary, PrepareError | RunError>
  /** One last-active backfill of a connection (`open` + `session.backfill`). */
  readonly backfill: (
    ref: ConnectionRef,
    options: OpenOptions & Omit<BackfillOptions, "trigger">
  ) => Effect.Effect<BackfillSummary, PrepareError | RunError>
}

export class ConnectionRunner extends Context.Tag("@seatsync/sync/ConnectionRunner")<
  ConnectionRunner,
  ConnectionRunnerShape
>() {}

const describe = (ref: ConnectionRef): string => ("name" in ref ? ref.name : `#${ref.id}`)

/** The error as the ledger keeps it: its tag and its sentence, never a secret. */
const ledgerError = (error: PrepareError) => ({ _tag: error._tag, message: error.message })

/** Builds the runner over the database and HTTP client of the layer's context. */
export const make = (
  config: RunnerConfig.RunnerConfig
): Effect.Effect<ConnectionRunnerShape, never, SqlClient.SqlClient | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const http = yield* HttpClient.HttpClient
    const withSql = Effect.provideService(SqlClient.SqlClient, sql)
    const siteClient = SiteClient.layer({ unsafeAllowAnyHost: config.unsafeAnySiteHost }).pipe(
      Layer.provide(Layer.succeed(HttpClient.HttpClient, http))
    )

    const find: ConnectionRunnerShape["find"] = (ref) => {
      if (ref instanceof Connections.Connection) return Effect.succeed(ref)
      const lookUp = "name" in ref ? Connections.findByName(ref.name) : Connections.findById(ref.id)
      return lookUp.pipe(
        withSql,
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.fail(new ConnectionNotFound({ connection: describe(ref) })),
            onSome: Effect.succeed
          })
        )
      )
    }

    const fromVariable = (connection: { readonly name: string }, variable: string, explicit: boolean) =>
      Config.redacted(variable).pipe(
        Effect.mapError(() => new ApiKeyMissing({ connection: connection.name, variable, explicit }))
      )

    const apiKey: ConnectionRunnerShape["apiKey"] = (connection, source = storedKey) => {
      switch (source._tag) {
        case "Given":
          return Effect.succeed(source.apiKey)
        case "Environment":
          return fromVariable(connection, source.variable, true)
        case "Stored":
          return Effect.flatMap(
            connection instanceof Connections.Connection
              ? ConnectionSecrets.storedApiKey(connection)
              : Effect.succeed(Option.none<Redacted.Redacted<string>>()),
            Option.match({
              onSome: Effect.succeed,
              onNone: () => fromVariable(connection, "ATLASSIAN_API_KEY", false)
            })
          )
      }
    }

    const client: ConnectionRunnerShape["client"] = (key, endpoint) =>
      AtlassianClient.layer({
        apiKey: key,
        adminBaseUrl: endpoint?.adminBaseUrl ?? config.adminBaseUrl,
        pacing: endpoint?.pacing ?? config.pacing,
        retry: endpoint?.retry ?? config.retry,
        requestTimeout: endpoint?.requestTimeout ?? config.requestTimeout
      }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, http)))

    /** The Jira seats read, when the connection has a site and Jira site credentials. */
    const siteSeatsOf = (connection: Connections.Connection) =>
      Effect.gen(function* () {
        if (connection.siteUrl === null) return undefined
        const credentials = yield* ConnectionSecrets.jiraCredentials(connection)
        if (Option.isNone(credentials)) return undefined
        return readSiteSeats(connection.siteUrl, credentials.value).pipe(Effect.provide(siteClient))
      })

    /** A run that failed before the pipeline started, in the ledger like any other (unless one is running). */
    const recordFailedRun = (connection: Connections.Connection, options: OpenOptions, error: PrepareError) =>
      Locks.withConnectionLock(
        connection.id,
        Effect.flatMap(SyncRuns.start(connection.id, options.trigger, options.slot), (runId) =>
          SyncRuns.fail(runId, ledgerError(error), SyncRuns.emptyStats)
        )
      ).pipe(
        withSql,
        Effect.catchTag("LockHeld", () => Effect.void),
        Effect.catchAll((recordError) =>
          Effect.logWarning("could not record the failed run in the ledger").pipe(
            Effect.annotateLogs({ error: recordError._tag, reason: recordError.message })
          )
        ),
        Effect.asVoid
      )

    /** A 401 on or after the key's recorded expiry day is the key having expired, and says so. */
    const withKeyExpiry = <A, R>(
      connection: Connections.Connection,
      run: Effect.Effect<A, SyncError, R>
    ): Effect.Effect<A, RunError, R> =>
      Effect.catchTag(run, "InvalidApiKey", (rejected) =>
        Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<never, RunError> => {
          const expiry = KeyExpiry.state(connection.apiKeyExpiresOn, new Date(now))
          return expiry._tag === "Expired"
            ? Effect.fail(
                new KeyExpiry.ApiKeyExpired({
                  connection: connection.name,
                  expiresOn: expiry.expiresOn,
                  endpoint: rejected.endpoint
                })
              )
            : Effect.fail(rejected)
        })
      )

    const open: ConnectionRunnerShape["open"] = (ref, options) =>
      Effect.gen(function* () {
        const connection = yield* find(ref)
        const prepared = yield* Effect.gen(function* () {
          const key = yield* apiKey(connection, options.apiKey)
          const siteSeats = yield* siteSeatsOf(connection)
          const context = yield* Layer.build(client(key, options.endpoint))
          return { siteSeats, context }
        }).pipe(
          Effect.tapError((error) =>
            options.recordFailure === false ? Effect.void : recordFailedRun(connection, options, error)
          )
        )
        const session: ConnectionSession = {
          connection,
          adminBaseUrl: options.endpoint?.adminBaseUrl ?? config.adminBaseUrl,
          sync: (syncOptions = {}) =>
            withKeyExpiry(
              connection,
              runSync(connection, {
                ...syncOptions,
                trigger: options.trigger,
                slot: options.slot,
                siteSeats: prepared.siteSeats,
                guard: connection.guard === "enabled"
              }).pipe(Effect.provide(prepared.context), withSql)
            ),
          backfill: (backfillOptions = {}) =>
            withKeyExpiry(
              connection,
              backfillLastActive(connection, {
                ...backfillOptions,
                trigger: options.trigger === "worker" ? "worker" : "cli"
              }).pipe(Effect.provide(prepared.context), withSql)
            )
        }
        return session
      }).pipe(
        Effect.withSpan("ConnectionRunner.open", {
          attributes: { connection: describe(ref), trigger: options.trigger }
        })
      )

    return {
      config,
      find,
      apiKey,
      client,
      siteClient,
      open,
      sync: (ref, { trigger, apiKey, endpoint, slot, recordFailure, ...syncOptions }) =>
        Effect.scoped(
          Effect.flatMap(open(ref, { trigger, apiKey, endpoint, slot, recordFailure }), (session) =>
            session.sync(syncOptions)
          )
        ),
      backfill: (ref, { trigger, apiKey, endpoint, slot, recordFailure, ...backfillOptions }) =>
        Effect.scoped(
          Effect.flatMap(open(ref, { trigger, apiKey, endpoint, slot, recordFailure }), (session) =>
            session.backfill(backfillOptions)
          )
        )
    } satisfies ConnectionRunnerShape
  })

/** The runner with `config`; needs a `SqlClient` (the store's `Database` layers) and an `HttpClient`. */
export const layer = (
  config: RunnerConfig.RunnerConfig
): Layer.Layer<ConnectionRunner, never, SqlClient.SqlClient | HttpClient.HttpClient> =>
  Layer.effect(ConnectionRunner, make(config))

/** The runner configured from the environment (`RunnerConfig.fromEnv`). */
export const layerConfig = (
  config: Config.Config<RunnerConfig.RunnerConfig> = RunnerConfig.fromEnv
): Layer.Layer<ConnectionRunner, ConfigError.ConfigError, SqlClient.SqlClient | HttpClient.HttpClient> =>
  Layer.effect(ConnectionRunner, Effect.flatMap(config, make))

/**
 * `seatsync sync`: one run for a registered connection, a real organisation (`--org-id` + an API key from
 * the environment) or, with `--demo`, the in-process Atlassian simulator — or, with `--all`, one run for
 * every registered connection in turn — into the configured or embedded PostgreSQL. Progress is a live
 * display on a terminal (stderr) and plain lines otherwise.
 */
import { Args, Command, Options } from "@effect/cli"
import { FetchHttpClient, HttpClient } from "@effect/platform"
import {
  AtlassianClient,
  AtlassianClientConfig,
  InvalidConfig,
  type PacingOptions,
  pacingFromEnv,
  SiteClient,
  unpaced
} from "@seatsync/atlassian-client"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Connections, Database } from "@seatsync/store"
import { type ProgressSink, readSiteSeats, runSync, SyncScope, type SyncSummary } from "@seatsync/sync"
import { Cause, Config, Console, Effect, Exit, Option, Redacted, type Scope } from "effect"
import { jiraCredentialsOfConnection, keyFromEnv, keyOfConnection } from "../ConnectionKey.js"
import { databaseLabel } from "../DatabaseLabel.js"
import { reportFor, withErrorReport } from "../ErrorReport.js"
import { ExitCode, ExitCodes } from "../ExitCode.js"
import { isLiveTerminal, liveDisplay } from "../progress/LiveDisplay.js"
import { initialSyncProgress, reduceSyncProgress } from "../progress/SyncProgress.js"
import { renderSyncProgress } from "../progress/SyncProgressView.js"
import { unsafeAnySiteHost } from "../SiteHost.js"
import {
  type ConnectionOutcome,
  exitCodeOfAll,
  outcomeJson,
  outcomeLine,
  skippedSentence
} from "../SyncAll.js"
import { renderProgress, renderSummary } from "../SyncReport.js"

const demo = Options.boolean("demo").pipe(
  Options.withDescription("Sync the built-in Atlassian simulator instead of a real organisation.")
)
const users = Options.integer("users").pipe(
  Options.withDefault(500),
  Options.withDescription("With --demo: how many users the simulated organisation has.")
)
const seed = Options.integer("seed").pipe(
  Options.withDefault(1),
  Options.withDescription("With --demo: the seed of the simulated organisation (same seed, same data).")
)
const orgId = Options.text("org-id").pipe(
  Options.optional,
  Options.withDescription(
    "The organisation id: the UUID after /o/ in https://admin.atlassian.com/o/<orgId>/."
  )
)
const connectionArg = Args.text({ name: "connection" }).pipe(
  Args.optional,
  Args.withDescription("A connection registered with `seatsync connect`; its stored key is used.")
)
const apiKeyEnv = Options.text("api-key-env").pipe(
  Options.optional,
  Options.withDescription("The environment variable that holds the organisation API key.")
)
const name = Options.text("name").pipe(
  Options.optional,
  Options.withDescription("The connection name to record the run under (default: demo, or the org id).")
)
const only = Options.text("only").pipe(
  Options.optional,
  Options.withDescription(
    "Sync only these, comma-separated: users,groups,products,roles,activity (others keep their stored rows)."
  )
)
const force = Options.boolean("force").pipe(
  Options.withDescription(
    "Soft-delete even when more than 20 % of an entity disappeared (the deletion guard)."
  )
)
const json = Options.boolean("json").pipe(
  Options.withDescription(
    "Print the summary as one JSON object (with --all: one JSON array, one element per connection)."
  )
)
const all = Options.boolean("all").pipe(
  Options.withDescription(
    "Sync every registered connection, one after another; paused connections are skipped. Exit 0 only if every run succeeded, else the code of the first failure."
  )
)

interface Target {
  readonly orgId: string
  readonly apiKey: Redacted.Redacted<string>
  readonly adminBaseUrl: string
  readonly connectionName: string
  readonly trigger: "cli" | "demo"
}

/**
 * The simulated organisation's "now": the start of today, so that its activity dates look current while
 * two demo runs on the same day see identical data.
 */
const startOfTodayUtc = () => `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`

const orgIdPattern = /^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/

const realTarget = (
  orgIdValue: Option.Option<string>,
  keyVariable: string,
  nameValue: Option.Option<string>
) =>
  Effect.gen(function* () {
    if (Option.isNone(orgIdValue)) {
      return yield* new InvalidConfig({
        field: "--org-id",
        reason: "give the organisation id with --org-id, or use --demo to sync the built-in simulator"
      })
    }
    const id = orgIdValue.value.trim()
    if (!orgIdPattern.test(id)) {
      return yield* new InvalidConfig({
        field: "--org-id",
        reason: `"${id}" is not an organisation id (expected a UUID such as 8f2c6a0e-1b3d-4c5e-9f70-112233445566)`
      })
    }
    const apiKey = yield* keyFromEnv(keyVariable)
    const adminBaseUrl = yield* Config.string("ATLASSIAN_ADMIN_BASE_URL").pipe(
      Config.withDefault(AtlassianClientConfig.defaultAdminBaseUrl)
    )
    return {
      orgId: id,
      apiKey,
      adminBaseUrl,
      connectionName: Option.getOrElse(nameValue, () => id),
      trigger: "cli"
    } satisfies Target
  })

/** `--only users,roles` → the scopes, or a clear error naming what is allowed. */
const parseOnly = (value: Option.Option<string>) =>
  Effect.gen(function* () {
    if (Option.isNone(value)) return undefined
    const parts = value.value
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "")
    const unknown = parts.filter((part) => !(SyncScope as ReadonlyArray<string>).includes(part))
    if (parts.length === 0 || unknown.length > 0) {
      return yield* new InvalidConfig({
        field: "--only",
        reason: `${unknown.length > 0 ? `unknown ${unknown.join(", ")}; ` : ""}choose from ${SyncScope.join(", ")}`
      })
    }
    return parts as ReadonlyArray<SyncScope>
  })

const printSummary = (summary: SyncSummary, asJson: boolean, databaseLabel: string) =>
  asJson ? Console.log(JSON.stringify(summary)) : Console.log(renderSummary(summary, databaseLabel))

/**
 * Where a run's progress goes: nowhere with --json (stdout carries the document), a live display on a
 * terminal's stderr, plain lines otherwise (a log file, a pipe, CI).
 */
const progressSink = (
  connectionName: string,
  asJson: boolean
): Effect.Effect<ProgressSink, never, Scope.Scope> => {
  if (asJson) return Effect.succeed(() => Effect.void)
  if (!isLiveTerminal(process.stderr)) return Effect.succeed(renderProgress)
  return Effect.map(
    liveDisplay({
      initial: initialSyncProgress(connectionName),
      render: renderSyncProgress,
      output: process.stderr
    }),
    (display): ProgressSink =>
      (event) =>
        display.update((state) => reduceSyncProgress(state, event))
  )
}

interface RunOptions {
  readonly trigger: "cli" | "demo"
  readonly force: boolean
  readonly only: ReadonlyArray<SyncScope> | undefined
  readonly json: boolean
  readonly pacing: PacingOptions
}

/** One run of one connection with its progress display, closed (last frame drawn) before it returns. */
const syncOne = (
  connection: Connections.Connection,
  apiKey: Redacted.Redacted<string>,
  adminBaseUrl: string,
  options: RunOptions
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const siteSeats = yield* siteSeatsOf(connection)
      const onProgress = yield* progressSink(connection.name, options.json)
      return yield* runSync(connection, {
        trigger: options.trigger,
        force: options.force,
        ...(options.only === undefined ? {} : { only: options.only }),
        ...(Option.isSome(siteSeats) ? { siteSeats: siteSeats.value } : {}),
        onProgress
      }).pipe(Effect.provide(AtlassianClient.layer({ apiKey, adminBaseUrl, pacing: options.pacing })))
    })
  )

/**
 * With Jira site credentials stored (`connect --jira-email … --jira-token-env …`), the run reads exact Jira
 * seats from the connection's site. A token that no longer decrypts fails the run: it is a configuration
 * error the operator must fix, unlike a site that does not answer (a warning inside the run).
 */
const siteSeatsOf = (connection: Connections.Connection) =>
  Effect.gen(function* () {
    const siteUrl = connection.siteUrl
    if (siteUrl === null) return Option.none()
    const credentials = yield* jiraCredentialsOfConnection(connection)
    if (Option.isNone(credentials)) return Option.none()
    const site = SiteClient.layer({ unsafeAllowAnyHost: yield* unsafeAnySiteHost })
    const http = yield* HttpClient.HttpClient
    return Option.some(
      readSiteSeats(siteUrl, credentials.value).pipe(
        Effect.provide(site),
        Effect.provideService(HttpClient.HttpClient, http)
      )
    )
  })

const adminBaseUrlConfig = Config.string("ATLASSIAN_ADMIN_BASE_URL").pipe(
  Config.withDefault(AtlassianClientConfig.defaultAdminBaseUrl)
)

/** The outcome of a failed run: its sentence and exit code as a single sync would report them. */
const failedOutcome = (connection: string, cause: Cause.Cause<unknown>): ConnectionOutcome => {
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure)) {
    return {
      _tag: "Failed",
      connection,
      error: { tag: "Defect", message: Cause.pretty(cause) },
      sentence: `Unexpected failure: ${Cause.pretty(cause)}`,
      exitCode: ExitCodes.unexpected
    }
  }
  const error = failure.value
  const report = reportFor(error)
  const tag =
    typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
      ? error._tag
      : "Unknown"
  return {
    _tag: "Failed",
    connection,
    error: { tag, message: error instanceof Error ? error.message : String(error) },
    sentence: report.sentence,
    exitCode: report.code
  }
}

/**
 * `--all`: every registered connection in turn, skipping paused ones; a failing run (a rejected key, a
 * run of the same connection already in progress — `LockHeld` — …) is reported and the next one runs.
 * Ctrl-C stops the whole command. Returns the exit code: 0 if nothing failed, else the first failure's.
 */
const syncAll = (options: Omit<RunOptions, "trigger">, label: string) =>
  Effect.gen(function* () {
    const connections = yield* Connections.list
    const adminBaseUrl = yield* adminBaseUrlConfig
    const outcomes: Array<ConnectionOutcome> = []
    const say = (text: string) => (options.json ? Effect.void : Console.log(text))
    if (connections.length === 0) {
      yield* options.json
        ? Console.log("[]")
        : Console.log("No connections are registered yet; add one with `seatsync connect <name> --org-id …`.")
      return ExitCodes.ok
    }
    for (const [index, connection] of connections.entries()) {
      if (connection.pausedAt !== null) {
        yield* say(`– ${skippedSentence(connection.name, connection.pausedAt, connection.pausedReason)}`)
        outcomes.push({
          _tag: "Skipped",
          connection: connection.name,
          pausedAt: connection.pausedAt,
          reason: connection.pausedReason
        })
        continue
      }
      yield* say(`── ${connection.name} (${index + 1} of ${connections.length}) ──`)
      const exit = yield* Effect.exit(
        Effect.flatMap(keyOfConnection(connection, Option.none()), (apiKey) =>
          syncOne(connection, apiKey, adminBaseUrl, { ...options, trigger: "cli" })
        )
      )
      if (Exit.isSuccess(exit)) {
        outcomes.push({ _tag: "Succeeded", connection: connection.name, summary: exit.value })
        continue
      }
      // Ctrl-C ends the whole command (exit 130) once the interrupted run is recorded.
      if (Cause.isInterruptedOnly(exit.cause))
        return yield* Effect.failCause(exit.cause as Cause.Cause<never>)
      const outcome = failedOutcome(connection.name, exit.cause)
      if (outcome._tag === "Failed" && !options.json) {
        yield* Effect.sync(() => process.stderr.write(`seatsync: ${connection.name}: ${outcome.sentence}\n`))
      }
      outcomes.push(outcome)
    }
    if (options.json) {
      yield* Console.log(JSON.stringify(outcomes.map(outcomeJson)))
    } else {
      const summaries = outcomes.flatMap((outcome) =>
        outcome._tag === "Succeeded"
          ? [`${outcome.connection}:\n${renderSummary(outcome.summary, label)}`]
          : []
      )
      const width = Math.max(...outcomes.map((outcome) => outcome.connection.length))
      yield* Console.log(
        [
          "",
          ...summaries,
          [
            `${outcomes.length} ${outcomes.length === 1 ? "connection" : "connections"}:`,
            ...outcomes.map((outcome) => outcomeLine(outcome, width))
          ].join("\n")
        ].join("\n\n")
      )
    }
    return exitCodeOfAll(outcomes)
  })

interface SyncArgs {
  readonly connection: Option.Option<string>
  readonly all: boolean
  readonly demo: boolean
  readonly users: number
  readonly seed: number
  readonly orgId: Option.Option<string>
  readonly apiKeyEnv: Option.Option<string>
  readonly name: Option.Option<string>
  readonly force: boolean
  readonly json: boolean
}

/** --all syncs the registered connections with their stored keys: naming another target contradicts it. */
const checkAll = (args: SyncArgs) => {
  const conflicting = [
    Option.isSome(args.connection) ? `a connection name (${args.connection.value})` : "",
    args.demo ? "--demo" : "",
    Option.isSome(args.orgId) ? "--org-id" : "",
    Option.isSome(args.name) ? "--name" : "",
    Option.isSome(args.apiKeyEnv) ? "--api-key-env" : ""
  ].filter((part) => part !== "")
  return conflicting.length === 0
    ? Effect.void
    : new InvalidConfig({
        field: "--all",
        reason: `--all syncs every registered connection with its stored key; drop ${conflicting.join(", ")} (or drop --all to sync one)`
      })
}

/** One run: a registered connection, --org-id with a key from the environment, or --demo. */
const syncSingle = (args: SyncArgs, scope: ReadonlyArray<SyncScope> | undefined, label: string) =>
  Effect.gen(function* () {
    let connection: Connections.Connection
    let apiKey: Redacted.Redacted<string>
    let adminBaseUrl: string
    let trigger: "cli" | "demo" = "cli"
    if (Option.isSome(args.connection)) {
      // A registered connection: its stored (encrypted) key, unless --api-key-env names another.
      const found = yield* Connections.findByName(args.connection.value)
      if (Option.isNone(found)) {
        return yield* new InvalidConfig({
          field: "connection",
          reason: `there is no connection called ${args.connection.value}; see \`seatsync connections list\``
        })
      }
      connection = found.value
      apiKey = yield* keyOfConnection(connection, args.apiKeyEnv)
      adminBaseUrl = yield* adminBaseUrlConfig
    } else {
      const target: Target = args.demo
        ? yield* Simulator.start({
            seed: args.seed,
            users: args.users,
            referenceTime: startOfTodayUtc()
          }).pipe(
            Effect.map((simulator) => ({
              orgId: simulator.orgId,
              apiKey: Redacted.make(simulator.apiKey),
              adminBaseUrl: simulator.adminBaseUrl,
              connectionName: Option.getOrElse(args.name, () => "demo"),
              trigger: "demo" as const
            }))
          )
        : yield* realTarget(
            args.orgId,
            Option.getOrElse(args.apiKeyEnv, () => "ATLASSIAN_API_KEY"),
            args.name
          )
      connection = yield* Connections.upsert({ name: target.connectionName, orgId: target.orgId })
      apiKey = target.apiKey
      adminBaseUrl = target.adminBaseUrl
      trigger = target.trigger
    }
    // The demo's simulator is in this process: pacing for Atlassian's limits would only slow it down.
    const pacing = trigger === "demo" ? unpaced : yield* pacingFromEnv
    const summary = yield* syncOne(connection, apiKey, adminBaseUrl, {
      trigger,
      force: args.force,
      only: scope,
      json: args.json,
      pacing
    })
    yield* printSummary(summary, args.json, label)
    return ExitCodes.ok
  })

export const syncCommand = Command.make(
  "sync",
  { connection: connectionArg, all, demo, users, seed, orgId, apiKeyEnv, name, only, force, json },
  (args) =>
    Effect.gen(function* () {
      // Argument checks first: a usage error needs no database.
      if (args.all) yield* checkAll(args)
      const scope = yield* parseOnly(args.only)
      return yield* Effect.gen(function* () {
        const label = yield* databaseLabel
        if (!args.all) return yield* syncSingle(args, scope, label)
        const pacing = yield* pacingFromEnv
        return yield* syncAll({ force: args.force, only: scope, json: args.json, pacing }, label)
      }).pipe(Effect.scoped, Effect.provide(Database.layer), Effect.provide(FetchHttpClient.layer))
    }).pipe(
      withErrorReport,
      // --all has printed each failure already; only its exit code is left to give.
      Effect.flatMap((code) => (code === ExitCodes.ok ? Effect.void : Effect.fail(new ExitCode({ code }))))
    )
).pipe(
  Command.withDescription(
    "Sync Atlassian organisations into PostgreSQL once: a registered connection, every registered connection " +
      "(--all), an org id with a key from the environment, or the built-in simulator (--demo). On a terminal a " +
      "live display shows each listing's pages and records and the run's API calls, retries and rate-limit " +
      "waits; otherwise one plain line per page.\n\n" +
      "Examples:\n" +
      "  seatsync sync --demo\n" +
      "  seatsync sync acme                          (a connection registered with seatsync connect)\n" +
      "  seatsync sync acme --only users,roles --json\n" +
      "  seatsync sync --all                         (every connection; exit code of the first failure)\n" +
      "  seatsync sync --all --json > runs.json\n" +
      "  ATLASSIAN_API_KEY=… seatsync sync --org-id 8f2c6a0e-1b3d-4c5e-9f70-112233445566 --name acme"
  )
)

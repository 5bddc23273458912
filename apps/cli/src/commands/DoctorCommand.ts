/**
 * `seatsync doctor [<connection>] [--demo] [--json]`: a preflight that explains. One line per check (✓ passed,
 * ! warning, ✗ failed, - not checkable because of a failure above), each failure followed by its fix; exit
 * code 11 when any check failed. The reads are in `doctor/Observe`, the judgement in `doctor/*Checks`.
 */
import { Args, Command, Options } from "@effect/cli"
import { FetchHttpClient } from "@effect/platform"
import { AtlassianClientConfig, InvalidConfig, pacingFromEnv, unpaced } from "@seatsync/atlassian-client"
import { Simulator, SiteHandlers } from "@seatsync/atlassian-simulator"
import { ApiKeyCipher, Connections, Database, Migrations, SyncRuns } from "@seatsync/store"
import { Config, Console, Effect, Either, Layer, Option, Redacted } from "effect"
import { jiraCredentialsOfConnection, keyOfConnection } from "../ConnectionKey.js"
import { databaseLabel } from "../DatabaseLabel.js"
import { anyFailed, renderText, renderVerdict, type Section, toJson } from "../doctor/Check.js"
import { connectionSection } from "../doctor/ConnectionChecks.js"
import {
  type DatabaseFailure,
  databaseCheck,
  databaseSection,
  encryptionKeyCheck
} from "../doctor/DatabaseChecks.js"
import type { LastRun, ProbeError, Subject } from "../doctor/Observations.js"
import { observe, type Target } from "../doctor/Observe.js"
import { reportFor, withErrorReport } from "../ErrorReport.js"
import { ExitCode, ExitCodes } from "../ExitCode.js"
import { unsafeAnySiteHost } from "../SiteHost.js"

const connectionArg = Args.text({ name: "connection" }).pipe(
  Args.optional,
  Args.withDescription("The connection to check (default: the database, then every connection).")
)
const demo = Options.boolean("demo").pipe(
  Options.withDescription("Check the demo connection against the built-in simulator, like `sync --demo`.")
)
const seed = Options.integer("seed").pipe(
  Options.withDefault(1),
  Options.withDescription("With --demo: the seed of the simulated organisation (as given to sync --demo).")
)
const apiKeyEnv = Options.text("api-key-env").pipe(
  Options.optional,
  Options.withDescription("Use the API key in this environment variable instead of the stored one.")
)
const json = Options.boolean("json").pipe(Options.withDescription("Print the checks as one JSON object."))

/** Any failure as doctor shows it: its tag and the one sentence `ErrorReport` would print. */
const asProbeError = (error: unknown): ProbeError => ({
  _tag:
    typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
      ? error._tag
      : "Error",
  message: reportFor(error).sentence
})

/** A database failure: what went wrong, and its own remedy when it carries one (`DatabaseUnavailable`). */
const databaseFailure = (error: unknown): DatabaseFailure =>
  typeof error === "object" &&
  error !== null &&
  "reason" in error &&
  typeof error.reason === "string" &&
  "remedy" in error &&
  typeof error.remedy === "string"
    ? { _tag: asProbeError(error)._tag, message: error.reason, remedy: error.remedy }
    : asProbeError(error)

/** A tagged error's own message (for errors whose sentence would add an unrelated generic fix). */
const ownMessage = (error: { readonly _tag: string; readonly message: string }): ProbeError => ({
  _tag: error._tag,
  message: error.message
})

const lastRunOf = (connection: Connections.Connection) =>
  SyncRuns.listRecent(connection.id, 1).pipe(
    Effect.map((runs) =>
      Option.map(Option.fromNullable(runs[0]), (run): LastRun => {
        const error = run.error
        const message =
          typeof error === "object" &&
          error !== null &&
          "message" in error &&
          typeof error.message === "string"
            ? error.message
            : undefined
        return {
          id: run.id,
          status: run.status,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          errorMessage: message
        }
      })
    )
  )

const subjectOf = (connection: Connections.Connection, demoSubject: boolean): Subject => ({
  name: connection.name,
  orgId: connection.orgId,
  guard: connection.guard,
  siteUrl: connection.siteUrl,
  schedule: connection.schedule,
  timeZone: connection.timeZone,
  pausedAt: connection.pausedAt,
  pausedReason: connection.pausedReason,
  consecutiveFailures: connection.consecutiveFailures,
  registered: true,
  demo: demoSubject
})

/** A stored connection, read with its stored (or `--api-key-env`) key against the configured Admin API. */
const storedTarget = (connection: Connections.Connection, keyVariable: Option.Option<string>) =>
  Effect.gen(function* () {
    const adminBaseUrl = yield* Config.string("ATLASSIAN_ADMIN_BASE_URL").pipe(
      Config.withDefault(AtlassianClientConfig.defaultAdminBaseUrl)
    )
    const fromEnvironment = Option.isSome(keyVariable) || connection.apiKeyCiphertext === null
    const jiraEmail = connection.jiraEmail
    return {
      subject: subjectOf(connection, false),
      key: keyOfConnection(connection, keyVariable).pipe(
        Effect.map((apiKey) => ({
          apiKey,
          source: fromEnvironment
            ? {
                kind: "environment" as const,
                variable: Option.getOrElse(keyVariable, () => "ATLASSIAN_API_KEY")
              }
            : { kind: "stored" as const }
        })),
        Effect.mapError(ownMessage)
      ),
      jira:
        jiraEmail === null
          ? Option.none()
          : Option.some({
              email: jiraEmail,
              credentials: jiraCredentialsOfConnection(connection).pipe(
                Effect.mapError(ownMessage),
                Effect.flatMap(
                  Option.match({
                    onNone: () =>
                      Effect.fail<ProbeError>({ _tag: "InvalidConfig", message: "no Jira token is stored" }),
                    onSome: Effect.succeed
                  })
                )
              )
            }),
      adminBaseUrl,
      site: { unsafeAllowAnyHost: yield* unsafeAnySiteHost },
      pacing: yield* pacingFromEnv,
      lastRun: yield* lastRunOf(connection)
    } satisfies Target
  })

/**
 * The demo: the in-process simulator (its site and Jira credentials included), and what is stored about the
 * `demo` connection when `sync --demo` has run for the same organisation. Nothing is written.
 */
const demoTarget = (seedValue: number) =>
  Effect.gen(function* () {
    const simulator = yield* Simulator.start({ seed: seedValue, users: 500 })
    const stored = Option.filter(
      yield* Connections.findByName("demo"),
      (connection) => connection.orgId === simulator.orgId
    )
    const base = Option.match(stored, {
      onSome: (connection): Subject => subjectOf(connection, true),
      onNone: (): Subject => ({
        name: "demo",
        orgId: simulator.orgId,
        guard: "unknown",
        siteUrl: null,
        schedule: "0 2 * * *",
        timeZone: "UTC",
        pausedAt: null,
        pausedReason: null,
        consecutiveFailures: 0,
        registered: false,
        demo: true
      })
    })
    const credentials = {
      email: SiteHandlers.defaultSiteCredentials.email,
      apiToken: Redacted.make(SiteHandlers.defaultSiteCredentials.apiToken)
    }
    return {
      subject: { ...base, siteUrl: simulator.baseUrl },
      key: Effect.succeed({
        apiKey: Redacted.make(simulator.apiKey),
        source: { kind: "simulator" as const }
      }),
      jira: Option.some({ email: credentials.email, credentials: Effect.succeed(credentials) }),
      adminBaseUrl: simulator.adminBaseUrl,
      // The demo's site is the simulator on loopback, and its pacing would only slow the demo down.
      site: { unsafeAllowAnyHost: true },
      pacing: unpaced,
      lastRun: Option.isSome(stored) ? yield* lastRunOf(stored.value) : Option.none()
    } satisfies Target
  })

interface DoctorArgs {
  readonly connection: Option.Option<string>
  readonly demo: boolean
  readonly seed: number
  readonly apiKeyEnv: Option.Option<string>
}

/** Every section: the database first; without it, nothing else can be read. */
const doctor = (args: DoctorArgs) =>
  Effect.gen(function* () {
    if (args.demo && Option.isSome(args.connection)) {
      return yield* new InvalidConfig({
        field: "--demo",
        reason: `give either a connection (${args.connection.value}) or --demo, not both`
      })
    }
    const label = yield* databaseLabel
    const encryptionKey = yield* Effect.either(ApiKeyCipher.encryptionKey).pipe(
      Effect.map(Either.mapLeft(ownMessage))
    )
    const database = yield* Effect.either(Layer.build(Database.layer))
    if (Either.isLeft(database)) {
      return [
        databaseSection([databaseCheck(label, Either.left(databaseFailure(database.left)))])
      ] as ReadonlyArray<Section>
    }
    return yield* Effect.gen(function* () {
      const status = yield* Effect.either(Migrations.status).pipe(Effect.map(Either.mapLeft(asProbeError)))
      let targets: ReadonlyArray<Target>
      let stored: ReadonlyArray<Connections.Connection>
      if (args.demo) {
        targets = [yield* demoTarget(args.seed)]
        stored = []
      } else if (Option.isSome(args.connection)) {
        const found = yield* Connections.findByName(args.connection.value)
        if (Option.isNone(found)) {
          return yield* new InvalidConfig({
            field: "connection",
            reason: `there is no connection called ${args.connection.value}; see \`seatsync connections list\``
          })
        }
        stored = [found.value]
        targets = [yield* storedTarget(found.value, args.apiKeyEnv)]
      } else {
        stored = yield* Connections.list
        targets = yield* Effect.forEach(stored, (connection) => storedTarget(connection, args.apiKeyEnv))
      }
      const withSecrets = stored
        .filter(
          (connection) => connection.apiKeyCiphertext !== null || connection.jiraTokenCiphertext !== null
        )
        .map((connection) => connection.name)
      const databaseChecks = [databaseCheck(label, status), encryptionKeyCheck(encryptionKey, withSecrets)]
      const sections: Array<Section> = [databaseSection(databaseChecks)]
      if (targets.length === 0) {
        sections.push({
          title: "connections",
          checks: [
            {
              name: "connections",
              status: "warn",
              detail: "none registered",
              fix: "`seatsync connect <name> --org-id … --api-key-stdin` (or try `seatsync doctor --demo`)"
            }
          ]
        })
      }
      for (const target of targets) sections.push(connectionSection(yield* observe(target)))
      return sections as ReadonlyArray<Section>
    }).pipe(Effect.provide(database.right))
  }).pipe(Effect.scoped)

export const doctorCommand = Command.make(
  "doctor",
  { connection: connectionArg, demo, seed, apiKeyEnv, json },
  (args) =>
    doctor(args).pipe(
      Effect.provide(FetchHttpClient.layer),
      withErrorReport,
      Effect.flatMap((sections) =>
        Console.log(
          args.json
            ? JSON.stringify(toJson(sections))
            : `${renderText(sections)}\n\n${renderVerdict(sections)}`
        ).pipe(
          Effect.zipRight(
            anyFailed(sections) ? Effect.fail(new ExitCode({ code: ExitCodes.checkFailed })) : Effect.void
          )
        )
      )
    )
).pipe(
  Command.withDescription(
    "Check the database and each connection — key, rights, org, directory API, domains, Guard, site, Jira " +
      "credentials, last run, pause — one line per check with the fix. Exit 11 when a check fails.\n\n" +
      "Examples:\n" +
      "  seatsync doctor                 (the database, then every connection)\n" +
      "  seatsync doctor acme --json\n" +
      "  seatsync doctor --demo          (the built-in simulator)"
  )
)

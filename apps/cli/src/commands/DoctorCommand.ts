/**
 * `seatsync doctor [<connection>] [--demo] [--json]`: a preflight that explains. One line per check (✓ passed,
 * ! warning, ✗ failed, - not checkable because of a failure above), each failure followed by its fix; exit
 * code 11 when any check failed. The reads are in `doctor/Observe`, the judgement in `doctor/*Checks`.
 */
import { Args, Command, Options } from "@effect/cli"
import { FetchHttpClient } from "@effect/platform"
import { ApiKeyCipher, Connections, Database, Migrations } from "@seatsync/store"
import { ConnectionNotFound, ConnectionRunner, RunnerConfig } from "@seatsync/sync"
import { Console, Effect, Either, Layer, Option } from "effect"
import { databaseLabel } from "../DatabaseLabel.js"
import { anyFailed, renderText, renderVerdict, type Section, toJson } from "../doctor/Check.js"
import { connectionSection } from "../doctor/ConnectionChecks.js"
import { databaseCheck, databaseSection, encryptionKeyCheck } from "../doctor/DatabaseChecks.js"
import { observe, type Target } from "../doctor/Observe.js"
import { asProbeError, databaseFailure, demoTarget, ownMessage, storedTarget } from "../doctor/Targets.js"
import { withErrorReport } from "../ErrorReport.js"
import { ExitCode, ExitCodes } from "../ExitCode.js"
import { UsageError } from "../UsageError.js"

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
      return yield* new UsageError({
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
      const runner = yield* ConnectionRunner.make(yield* RunnerConfig.fromEnv)
      const status = yield* Effect.either(Migrations.status).pipe(Effect.map(Either.mapLeft(asProbeError)))
      let targets: ReadonlyArray<Target>
      let stored: ReadonlyArray<Connections.Connection>
      if (args.demo) {
        targets = [yield* demoTarget(args.seed)]
        stored = []
      } else if (Option.isSome(args.connection)) {
        const found = yield* Connections.findByName(args.connection.value)
        if (Option.isNone(found)) {
          return yield* new ConnectionNotFound({ connection: args.connection.value })
        }
        stored = [found.value]
        targets = [yield* storedTarget(runner, found.value, args.apiKeyEnv)]
      } else {
        stored = yield* Connections.list
        targets = yield* Effect.forEach(stored, (connection) =>
          storedTarget(runner, connection, args.apiKeyEnv)
        )
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

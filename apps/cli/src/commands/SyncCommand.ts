/**
 * `seatsync sync`: one run for a registered connection, a real organisation (`--org-id` + an API key from
 * the environment) or, with `--demo`, the in-process Atlassian simulator — or, with `--all`, one run for
 * every registered connection in turn — into the configured or embedded PostgreSQL. Progress is a live
 * display on a terminal (stderr) and plain lines otherwise.
 */
import { Args, Command, Options } from "@effect/cli"
import { ConnectionRunner, type SyncScope, type SyncSummary } from "@seatsync/sync"
import { Console, Effect, Option } from "effect"
import { databaseLabel } from "../DatabaseLabel.js"
import { withErrorReport } from "../ErrorReport.js"
import { ExitCode, ExitCodes } from "../ExitCode.js"
import { syncProgressSink } from "../progress/SyncProgressSink.js"
import { runnerLayer } from "../Runner.js"
import { syncAll } from "../sync/SyncAll.js"
import { checkAll, parseOnly } from "../sync/SyncArguments.js"
import { checkPlanTarget, printPlan } from "../sync/SyncPlanReport.js"
import { renderSummary } from "../sync/SyncReport.js"
import { syncTarget } from "../sync/SyncTarget.js"
import { UsageError } from "../UsageError.js"

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

const plan = Options.boolean("plan").pipe(
  Options.withDescription(
    "Do not sync: read the organisation's counts and print the calls a full sync would make per listing, in total, and the least wall time at the pacing in force (with --json: one JSON object). Writes nothing."
  )
)

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

const printSummary = (summary: SyncSummary, asJson: boolean, label: string) =>
  asJson ? Console.log(JSON.stringify(summary)) : Console.log(renderSummary(summary, label))

/** One run: a registered connection, --org-id with a key from the environment, or --demo. */
const syncSingle = (args: SyncArgs, only: ReadonlyArray<SyncScope> | undefined, label: string) =>
  Effect.gen(function* () {
    const runner = yield* ConnectionRunner.ConnectionRunner
    const target = yield* syncTarget(args)
    const summary = yield* Effect.scoped(
      Effect.gen(function* () {
        const session = yield* runner.open(target.ref, target.open)
        const onProgress = yield* syncProgressSink(session.connection.name, args.json)
        return yield* session.sync({ force: args.force, only, onProgress })
      })
    )
    yield* printSummary(summary, args.json, label)
    return ExitCodes.ok
  })

export const syncCommand = Command.make(
  "sync",
  { connection: connectionArg, all, demo, users, seed, orgId, apiKeyEnv, name, only, force, json, plan },
  (args) =>
    Effect.gen(function* () {
      // Argument checks first: a usage error needs no database.
      if (args.all) yield* checkAll(args)
      if (args.plan && args.all)
        return yield* new UsageError({ field: "--plan", reason: "plan one connection at a time; drop --all" })
      // A plan is of a full sync and changes nothing: options that narrow or force a run have no place in it.
      if (args.plan && Option.isSome(args.only))
        return yield* new UsageError({ field: "--only", reason: "--plan plans a full sync; drop --only" })
      if (args.plan && args.force)
        return yield* new UsageError({ field: "--force", reason: "--plan deletes nothing; drop --force" })
      const only = yield* parseOnly(args.only)
      if (args.plan) yield* checkPlanTarget(args)
      if (args.plan)
        return yield* printPlan(args, args.json).pipe(
          Effect.as(ExitCodes.ok),
          Effect.scoped,
          Effect.provide(runnerLayer)
        )
      return yield* Effect.gen(function* () {
        const label = yield* databaseLabel
        if (!args.all) return yield* syncSingle(args, only, label)
        return yield* syncAll({ force: args.force, only, json: args.json }, label)
      }).pipe(Effect.scoped, Effect.provide(runnerLayer))
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
      "  seatsync sync acme --plan                   (the calls and time a full sync would take; syncs nothing)\n" +
      "  seatsync sync --all                         (every connection; exit code of the first failure)\n" +
      "  seatsync sync --all --json > runs.json\n" +
      "  ATLASSIAN_API_KEY=… seatsync sync --org-id 8f2c6a0e-1b3d-4c5e-9f70-112233445566 --name acme"
  )
)

/**
 * `seatsync backfill last-active <connection>`: the budgeted per-user last-active backfill with a progress
 * line and an ETA; Ctrl-C stops after recording the chunk in progress as interrupted, and `--resume`
 * continues with what was left of the budget.
 */
import { Args, Command, Options } from "@effect/cli"
import { FetchHttpClient } from "@effect/platform"
import { AtlassianClient, AtlassianClientConfig, InvalidConfig } from "@seatsync/atlassian-client"
import { Connections, Database } from "@seatsync/store"
import { backfillLastActive } from "@seatsync/sync"
import { Clock, Config, Console, Effect, Option } from "effect"
import { keyOfConnection } from "../ConnectionKey.js"
import { withErrorReport } from "../ErrorReport.js"

const connectionArg = Args.text({ name: "connection" }).pipe(Args.withDescription("A registered connection."))
const budget = Options.integer("budget").pipe(
  Options.withDefault(5000),
  Options.withDescription("At most this many last-active-dates calls (Atlassian allows 200 per minute).")
)
const resume = Options.boolean("resume").pipe(
  Options.withDescription("Continue the previous, interrupted backfill with the budget it had left.")
)
const apiKeyEnv = Options.text("api-key-env").pipe(
  Options.optional,
  Options.withDescription("Read the API key from this variable instead of the stored one.")
)

const lastActive = Command.make(
  "last-active",
  { connection: connectionArg, budget, resume, apiKeyEnv },
  (args) =>
    Effect.gen(function* () {
      const found = yield* Connections.findByName(args.connection)
      if (Option.isNone(found)) {
        return yield* new InvalidConfig({
          field: "connection",
          reason: `there is no connection called ${args.connection}`
        })
      }
      const connection = found.value
      const apiKey = yield* keyOfConnection(connection, args.apiKeyEnv)
      const adminBaseUrl = yield* Config.string("ATLASSIAN_ADMIN_BASE_URL").pipe(
        Config.withDefault(AtlassianClientConfig.defaultAdminBaseUrl)
      )
      const started = yield* Clock.currentTimeMillis
      const total = args.budget
      const summary = yield* backfillLastActive(connection, {
        budget: args.budget,
        resume: args.resume,
        onProgress: (done, remaining) =>
          Effect.gen(function* () {
            const elapsed = ((yield* Clock.currentTimeMillis) - started) / 1000
            const eta = done === 0 ? "?" : `${Math.ceil(((elapsed / done) * remaining) / 60)} min`
            const width = 30
            const filled = Math.round((done / Math.max(1, done + remaining)) * width)
            yield* Console.log(
              `  [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done} users, ${remaining} calls left, ETA ${eta}`
            )
          })
      }).pipe(Effect.provide(AtlassianClient.layer({ apiKey, adminBaseUrl })))
      yield* Console.log(
        `✓ asked about ${summary.users} users (budget ${total}${args.resume ? ", resumed" : ""}): ${summary.activityChanged} activity rows new or changed, ${summary.notFound} no longer in Atlassian; ` +
          (summary.complete
            ? "every user's activity is now fresh."
            : `${summary.remainingBudget} calls of budget left; more users are stale — run again (or with --resume).`)
      )
    }).pipe(Effect.provide(Database.layer), Effect.provide(FetchHttpClient.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Fill in per-user last-active dates (most stale first) at Atlassian's 200 calls per minute. Examples:\n" +
      "  seatsync backfill last-active acme --budget 5000\n" +
      "  seatsync backfill last-active acme --resume"
  )
)

export const backfillCommand = Command.make("backfill").pipe(
  Command.withDescription("Budgeted, resumable backfills."),
  Command.withSubcommands([lastActive])
)

/**
 * `seatsync sync`: one run for a real organisation (`--org-id` + an API key from the environment) or, with
 * `--demo`, for the in-process Atlassian simulator — both into the configured or embedded PostgreSQL.
 */
import { Command, Options } from "@effect/cli"
import { FetchHttpClient } from "@effect/platform"
import { AtlassianClient, AtlassianClientConfig, InvalidConfig } from "@seatsync/atlassian-client"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Connections, Database } from "@seatsync/store"
import { runSync, type SyncSummary } from "@seatsync/sync"
import { Config, Console, Effect, Option, Redacted } from "effect"
import { databaseLabel } from "../DatabaseLabel.js"
import { withErrorReport } from "../ErrorReport.js"
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
const apiKeyEnv = Options.text("api-key-env").pipe(
  Options.withDefault("ATLASSIAN_API_KEY"),
  Options.withDescription("The environment variable that holds the organisation API key.")
)
const name = Options.text("name").pipe(
  Options.optional,
  Options.withDescription("The connection name to record the run under (default: demo, or the org id).")
)
const json = Options.boolean("json").pipe(Options.withDescription("Print the summary as one JSON object."))

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
    const apiKey = yield* Config.redacted(keyVariable).pipe(
      Effect.mapError(
        () =>
          new InvalidConfig({
            field: keyVariable,
            reason: `set the environment variable ${keyVariable} to the organisation API key (or name another variable with --api-key-env)`
          })
      )
    )
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

const printSummary = (summary: SyncSummary, asJson: boolean, databaseLabel: string) =>
  asJson ? Console.log(JSON.stringify(summary)) : Console.log(renderSummary(summary, databaseLabel))

export const syncCommand = Command.make("sync", { demo, users, seed, orgId, apiKeyEnv, name, json }, (args) =>
  Effect.gen(function* () {
    const target: Target = args.demo
      ? yield* Simulator.start({ seed: args.seed, users: args.users, referenceTime: startOfTodayUtc() }).pipe(
          Effect.map((simulator) => ({
            orgId: simulator.orgId,
            apiKey: Redacted.make(simulator.apiKey),
            adminBaseUrl: simulator.adminBaseUrl,
            connectionName: Option.getOrElse(args.name, () => "demo"),
            trigger: "demo" as const
          }))
        )
      : yield* realTarget(args.orgId, args.apiKeyEnv, args.name)
    const label = yield* databaseLabel
    const connection = yield* Connections.upsert({ name: target.connectionName, orgId: target.orgId })
    const summary = yield* runSync(connection, {
      trigger: target.trigger,
      onProgress: args.json ? undefined : renderProgress
    }).pipe(
      Effect.provide(AtlassianClient.layer({ apiKey: target.apiKey, adminBaseUrl: target.adminBaseUrl }))
    )
    yield* printSummary(summary, args.json, label)
  }).pipe(
    Effect.scoped,
    Effect.provide(Database.layer),
    Effect.provide(FetchHttpClient.layer),
    withErrorReport
  )
).pipe(
  Command.withDescription(
    "Sync one Atlassian organisation into PostgreSQL once. Examples:\n" +
      "  seatsync sync --demo\n" +
      "  ATLASSIAN_API_KEY=… seatsync sync --org-id 8f2c6a0e-1b3d-4c5e-9f70-112233445566"
  )
)

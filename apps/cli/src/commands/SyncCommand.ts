/**
 * `seatsync sync`: one run for a real organisation (`--org-id` + an API key from the environment) or, with
 * `--demo`, for the in-process Atlassian simulator — both into the configured or embedded PostgreSQL.
 */
import { Args, Command, Options } from "@effect/cli"
import { FetchHttpClient } from "@effect/platform"
import { AtlassianClient, AtlassianClientConfig, InvalidConfig, unpaced } from "@seatsync/atlassian-client"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Connections, Database } from "@seatsync/store"
import { runSync, SyncScope, type SyncSummary } from "@seatsync/sync"
import { Config, Console, Effect, Option, Redacted } from "effect"
import { keyFromEnv, keyOfConnection } from "../ConnectionKey.js"
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

export const syncCommand = Command.make(
  "sync",
  { connection: connectionArg, demo, users, seed, orgId, apiKeyEnv, name, only, force, json },
  (args) =>
    Effect.gen(function* () {
      const label = yield* databaseLabel
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
        adminBaseUrl = yield* Config.string("ATLASSIAN_ADMIN_BASE_URL").pipe(
          Config.withDefault(AtlassianClientConfig.defaultAdminBaseUrl)
        )
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
      const scope = yield* parseOnly(args.only)
      const summary = yield* runSync(connection, {
        trigger,
        force: args.force,
        ...(scope === undefined ? {} : { only: scope }),
        onProgress: args.json ? undefined : renderProgress
      }).pipe(
        Effect.provide(
          // The demo's simulator is in this process: pacing for Atlassian's limits would only slow it down.
          AtlassianClient.layer({ apiKey, adminBaseUrl, ...(trigger === "demo" ? { pacing: unpaced } : {}) })
        )
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
      "  seatsync sync acme                      (a connection registered with seatsync connect)\n" +
      "  ATLASSIAN_API_KEY=… seatsync sync --org-id 8f2c6a0e-1b3d-4c5e-9f70-112233445566"
  )
)

/**
 * `seatsync connect <name>`: registers an organisation after checking everything — the key works, the
 * organisation answers, the site resolves to a cloudId, the schedule and time zone parse — and stores the
 * key encrypted. `connections list | show | remove` look after what was registered.
 */
import { Args, Command, Options } from "@effect/cli"
import { FetchHttpClient } from "@effect/platform"
import { AtlassianClient, InvalidConfig, SiteClient } from "@seatsync/atlassian-client"
import { ApiKeyCipher, Connections, Database } from "@seatsync/store"
import { Config, Console, Cron, Effect, Either, Option, Redacted, Schema } from "effect"
import { keyFromEnv, keyFromStdin } from "../ConnectionKey.js"
import { withErrorReport } from "../ErrorReport.js"

const name = Args.text({ name: "name" }).pipe(
  Args.withDescription("Connection name: a lower-case slug, e.g. acme.")
)
const orgId = Options.text("org-id").pipe(
  Options.optional,
  Options.withDescription("The organisation id (UUID).")
)
const site = Options.text("site").pipe(
  Options.optional,
  Options.withDescription("The site URL, https://<your-site>.atlassian.net (used for its cloudId only).")
)
const guard = Options.choice("guard", ["enabled", "disabled", "unknown"]).pipe(
  Options.optional,
  Options.withDescription("Whether Atlassian Guard is on; `unknown` is fine and can be changed later.")
)
const apiKeyStdin = Options.boolean("api-key-stdin").pipe(
  Options.withDescription("Read the organisation API key from standard input (never from the command line).")
)
const apiKeyEnv = Options.text("api-key-env").pipe(
  Options.optional,
  Options.withDescription(
    "Read the organisation API key from this environment variable (default ATLASSIAN_API_KEY)."
  )
)
const schedule = Options.text("schedule").pipe(
  Options.optional,
  Options.withDescription('When the worker syncs, as cron, e.g. "0 2 * * *" (default nightly).')
)
const timezone = Options.text("timezone").pipe(
  Options.optional,
  Options.withDescription("IANA time zone of the schedule.")
)
const inactiveAfterDays = Options.integer("inactive-after-days").pipe(
  Options.optional,
  Options.withDescription("Days without activity after which a seat counts as unused (default 90).")
)
const update = Options.boolean("update").pipe(Options.withDescription("Change an existing connection."))

const invalid = (field: string, reason: string) => new InvalidConfig({ field, reason })

/** TEST ONLY: lets the site be the local simulator instead of https://<name>.atlassian.net. */
const unsafeAnySiteHost = Config.boolean("SEATSYNC_UNSAFE_ANY_SITE_HOST").pipe(Config.withDefault(false))

export const connectCommand = Command.make(
  "connect",
  { name, orgId, site, guard, apiKeyStdin, apiKeyEnv, schedule, timezone, inactiveAfterDays, update },
  (args) =>
    Effect.gen(function* () {
      const connectionName = yield* Schema.decodeUnknown(Connections.ConnectionName)(args.name).pipe(
        Effect.mapError(() =>
          invalid("name", `"${args.name}" must be a lower-case slug such as acme or acme-eu`)
        )
      )
      const existing = yield* Connections.findByName(connectionName)
      if (Option.isSome(existing) && !args.update) {
        return yield* invalid(
          "name",
          `a connection called ${connectionName} exists; add --update to change it`
        )
      }
      if (Option.isNone(existing) && args.update) {
        return yield* invalid("name", `there is no connection called ${connectionName} to update`)
      }
      const current = Option.getOrUndefined(existing)
      const org = Option.getOrUndefined(args.orgId)?.trim() ?? current?.orgId
      if (org === undefined || !/^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/.test(org)) {
        return yield* invalid(
          "--org-id",
          "give the organisation id, the UUID after /o/ in https://admin.atlassian.com/o/<orgId>/"
        )
      }
      const timeZone = Option.getOrUndefined(args.timezone) ?? current?.timeZone ?? "UTC"
      const cron = Option.getOrUndefined(args.schedule) ?? current?.schedule ?? "0 2 * * *"
      if (Either.isLeft(Cron.parse(cron, timeZone))) {
        return yield* invalid(
          "--schedule/--timezone",
          `"${cron}" in ${timeZone} is not a valid cron schedule and IANA time zone`
        )
      }
      const days = Option.getOrUndefined(args.inactiveAfterDays)
      if (days !== undefined && (days < 1 || days > 3650)) {
        return yield* invalid("--inactive-after-days", "must be between 1 and 3650")
      }

      // The key: a new one from stdin or the environment, else (on --update) the stored one.
      const newKey = args.apiKeyStdin
        ? Option.some(Redacted.make(yield* keyFromStdin))
        : Option.isSome(args.apiKeyEnv) || current === undefined
          ? Option.some(yield* keyFromEnv(Option.getOrElse(args.apiKeyEnv, () => "ATLASSIAN_API_KEY")))
          : Option.none()
      const encryptionKey = yield* ApiKeyCipher.requireEncryptionKey
      const apiKey = Option.isSome(newKey)
        ? newKey.value
        : yield* ApiKeyCipher.decrypt(
            encryptionKey,
            connectionName,
            current?.apiKeyCiphertext ?? new Uint8Array()
          )

      // Everything is checked against Atlassian before anything is saved.
      const adminBaseUrl = yield* Config.string("ATLASSIAN_ADMIN_BASE_URL").pipe(
        Config.withDefault("https://api.atlassian.com/admin")
      )
      const client = yield* AtlassianClient.make({ apiKey, adminBaseUrl })
      const organisation = yield* client.org(org)
      const siteUrl = Option.getOrUndefined(args.site) ?? current?.siteUrl ?? undefined
      let cloudId: string | undefined
      if (siteUrl !== undefined) {
        const siteClient = yield* SiteClient.make({ unsafeAllowAnyHost: yield* unsafeAnySiteHost })
        cloudId = yield* siteClient.cloudId(siteUrl)
      }

      const saved = yield* Connections.upsert({
        name: connectionName,
        orgId: org,
        siteUrl: siteUrl ?? null,
        schedule: cron,
        timeZone,
        ...(Option.isSome(args.guard) ? { guard: args.guard.value } : {}),
        ...(days !== undefined ? { inactiveAfterDays: days } : {}),
        apiKeyCiphertext: ApiKeyCipher.encrypt(encryptionKey, connectionName, apiKey)
      })
      yield* Console.log(
        [
          `✓ ${args.update ? "updated" : "connected"} ${saved.name}: ${organisation.attributes.name ?? "(unnamed)"} (org ${saved.orgId})`,
          `  site      ${saved.siteUrl ?? "(none)"}${cloudId === undefined ? "" : ` → cloudId ${cloudId}`}`,
          `  guard     ${saved.guard}`,
          `  schedule  ${saved.schedule} (${saved.timeZone}), inactive after ${saved.inactiveAfterDays} days`,
          "  API key   verified and stored encrypted"
        ].join("\n")
      )
    }).pipe(Effect.provide(Database.layer), Effect.provide(FetchHttpClient.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Register an Atlassian organisation, checking the key, the org and the site first. Examples:\n" +
      "  export SEATSYNC_ENCRYPTION_KEY=$(openssl rand -base64 32)\n" +
      "  seatsync connect acme --org-id 8f2c6a0e-… --site https://acme.atlassian.net --guard unknown --api-key-stdin\n" +
      "  seatsync connect acme --update --schedule '0 3 * * *' --timezone Europe/Berlin"
  )
)

const list = Command.make("list", {}, () =>
  Effect.gen(function* () {
    const connections = yield* Connections.list
    if (connections.length === 0) {
      yield* Console.log(
        "No connections yet: add one with `seatsync connect <name> --org-id … --api-key-stdin`."
      )
      return
    }
    for (const connection of connections) {
      yield* Console.log(
        `${connection.name.padEnd(20)} org ${connection.orgId}  site ${connection.siteUrl ?? "-"}  guard ${connection.guard}  ${connection.schedule} (${connection.timeZone})`
      )
    }
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(Command.withDescription("List the registered connections."))

const show = Command.make("show", { name }, (args) =>
  Effect.gen(function* () {
    const connection = yield* Connections.findByName(args.name)
    if (Option.isNone(connection)) return yield* invalid("name", `there is no connection called ${args.name}`)
    const c = connection.value
    yield* Console.log(
      [
        `name                 ${c.name}`,
        `org id               ${c.orgId}`,
        `site                 ${c.siteUrl ?? "-"}`,
        `guard                ${c.guard}`,
        `schedule             ${c.schedule} (${c.timeZone})`,
        `inactive after       ${c.inactiveAfterDays} days`,
        `API key              ${c.apiKeyCiphertext === null ? "from the environment" : "stored encrypted"}`,
        `created / updated    ${c.createdAt.toISOString()} / ${c.updatedAt.toISOString()}`
      ].join("\n")
    )
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(Command.withDescription("Show one connection (never its key)."))

const remove = Command.make("remove", { name }, (args) =>
  Effect.gen(function* () {
    const removed = yield* Connections.remove(args.name)
    if (!removed) return yield* invalid("name", `there is no connection called ${args.name}`)
    yield* Console.log(`Removed connection ${args.name} and everything stored for it.`)
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(Command.withDescription("Remove a connection and all its stored data."))

export const connectionsCommand = Command.make("connections").pipe(
  Command.withDescription("List, show or remove registered connections."),
  Command.withSubcommands([list, show, remove])
)

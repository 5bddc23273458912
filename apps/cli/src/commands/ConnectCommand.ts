/**
 * `seatsync connect <name>`: registers an organisation after checking everything — the key works, the
 * organisation answers, the site resolves to a cloudId, the Jira site credentials (if given) work, the
 * schedule and time zone parse — and stores the key and the Jira token encrypted. `--resume` clears a pause
 * the worker set after repeated failures. `connections list | show | remove` look after what was registered.
 */
import { Args, Command, Options } from "@effect/cli"
import { FetchHttpClient } from "@effect/platform"
import { AtlassianClient, InvalidConfig, SiteClient } from "@seatsync/atlassian-client"
import { ApiKeyCipher, Connections, Database } from "@seatsync/store"
import { Config, Console, Cron, Effect, Either, Option, Redacted, Schema } from "effect"
import { encryptJiraToken, jiraCredentialsOfConnection, keyFromEnv, keyFromStdin } from "../ConnectionKey.js"
import { withErrorReport } from "../ErrorReport.js"
import { verifyJiraCredentials } from "../JiraSite.js"
import { unsafeAnySiteHost } from "../SiteHost.js"

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
const jiraEmail = Options.text("jira-email").pipe(
  Options.optional,
  Options.withDescription(
    "Email of a Jira administrator, for exact Jira seat counts from the site (with --jira-token-env)."
  )
)
const jiraTokenEnv = Options.text("jira-token-env").pipe(
  Options.optional,
  Options.withDescription(
    "The environment variable holding that account's API token (never the token itself; with --jira-email)."
  )
)
const forgetJira = Options.boolean("forget-jira").pipe(
  Options.withDescription(
    "Remove the stored Jira site credentials (with --update); Jira seats then come from the Admin API alone."
  )
)
const resume = Options.boolean("resume").pipe(
  Options.withDescription("Resume a connection the worker paused after repeated failures (use alone).")
)

const invalid = (field: string, reason: string) => new InvalidConfig({ field, reason })

/** `connect <name> --resume`: clears the pause and the failure streak, saying what was cleared. */
const resumeConnection = (connectionName: string) =>
  Effect.gen(function* () {
    const before = yield* Connections.findByName(connectionName)
    const after = yield* Connections.resume(connectionName)
    if (Option.isNone(before) || Option.isNone(after)) {
      return yield* invalid(
        "name",
        `there is no connection called ${connectionName}; see \`seatsync connections list\``
      )
    }
    const was = before.value
    yield* Console.log(
      was.pausedAt === null
        ? `✓ ${connectionName} was not paused; its failure streak (${was.consecutiveFailures}) is reset to 0.`
        : [
            `✓ resumed ${connectionName}: cleared the pause of ${was.pausedAt.toISOString()} after ${was.consecutiveFailures} failed run${was.consecutiveFailures === 1 ? "" : "s"}`,
            `  reason    ${was.pausedReason ?? "(none recorded)"}`,
            `  schedule  ${after.value.schedule} (${after.value.timeZone}): the worker runs it again at the next slot`
          ].join("\n")
    )
  })

export const connectCommand = Command.make(
  "connect",
  {
    name,
    orgId,
    site,
    guard,
    apiKeyStdin,
    apiKeyEnv,
    schedule,
    timezone,
    inactiveAfterDays,
    update,
    jiraEmail,
    jiraTokenEnv,
    forgetJira,
    resume
  },
  (args) =>
    Effect.gen(function* () {
      const connectionName = yield* Schema.decodeUnknown(Connections.ConnectionName)(args.name).pipe(
        Effect.mapError(() =>
          invalid("name", `"${args.name}" must be a lower-case slug such as acme or acme-eu`)
        )
      )
      if (args.resume) {
        const changes = (
          [
            args.orgId,
            args.site,
            args.guard,
            args.apiKeyEnv,
            args.schedule,
            args.timezone,
            args.inactiveAfterDays,
            args.jiraEmail,
            args.jiraTokenEnv
          ] as ReadonlyArray<Option.Option<unknown>>
        ).some(Option.isSome)
        if (changes || args.update || args.apiKeyStdin || args.forgetJira) {
          return yield* invalid(
            "--resume",
            "use it alone (`seatsync connect <name> --resume`); a change with --update resumes the connection too"
          )
        }
        return yield* resumeConnection(connectionName)
      }
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

      // Jira site credentials: both or neither, and only with a site to use them on.
      const newJiraEmail = Option.getOrUndefined(args.jiraEmail)?.trim()
      const newJiraTokenVariable = Option.getOrUndefined(args.jiraTokenEnv)
      if ((newJiraEmail === undefined) !== (newJiraTokenVariable === undefined)) {
        return yield* invalid(
          "--jira-email/--jira-token-env",
          "give both --jira-email EMAIL and --jira-token-env VAR (the variable holding that account's API token), or neither"
        )
      }
      if (args.forgetJira && (newJiraEmail !== undefined || newJiraTokenVariable !== undefined)) {
        return yield* invalid(
          "--forget-jira",
          "either remove the Jira credentials (--forget-jira) or set new ones (--jira-email/--jira-token-env), not both"
        )
      }
      if (args.forgetJira && current === undefined) {
        return yield* invalid("--forget-jira", "use it with --update on an existing connection")
      }
      if (newJiraEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(newJiraEmail)) {
        return yield* invalid("--jira-email", `"${newJiraEmail}" is not an email address`)
      }
      if (newJiraEmail !== undefined && Option.isNone(args.site) && (current?.siteUrl ?? null) === null) {
        return yield* invalid(
          "--site",
          "Jira site credentials need the site they are for: add --site https://<your-site>.atlassian.net"
        )
      }
      const newJiraToken =
        newJiraTokenVariable === undefined
          ? undefined
          : yield* Config.redacted(newJiraTokenVariable).pipe(
              Effect.mapError(() =>
                invalid(
                  "--jira-token-env",
                  `set the environment variable ${newJiraTokenVariable} to the Jira API token of ${newJiraEmail ?? "the account"}`
                )
              )
            )

      // The key: a new one from stdin or the environment, else (on --update) the stored one.
      const newKey = args.apiKeyStdin
        ? Option.some(Redacted.make(yield* keyFromStdin))
        : Option.isSome(args.apiKeyEnv) || current === undefined || current.apiKeyCiphertext === null
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
      const siteClient = SiteClient.layer({ unsafeAllowAnyHost: yield* unsafeAnySiteHost })
      let cloudId: string | undefined
      if (siteUrl !== undefined) {
        cloudId = yield* Effect.flatMap(SiteClient.SiteClient, (client) => client.cloudId(siteUrl)).pipe(
          Effect.provide(siteClient)
        )
      }

      // New Jira credentials are checked against the site; stored ones again when the site changed.
      const jira =
        newJiraEmail !== undefined && newJiraToken !== undefined
          ? Option.some({ email: newJiraEmail, apiToken: newJiraToken })
          : current !== undefined && siteUrl !== current.siteUrl && !args.forgetJira
            ? yield* jiraCredentialsOfConnection(current)
            : Option.none()
      let jiraProducts: number | undefined
      if (Option.isSome(jira)) {
        if (siteUrl === undefined) {
          return yield* invalid(
            "--site",
            "Jira site credentials need the site they are for: add --site https://<your-site>.atlassian.net"
          )
        }
        jiraProducts = (yield* verifyJiraCredentials(siteUrl, jira.value).pipe(Effect.provide(siteClient)))
          .length
      }

      // Ciphertexts are written only when their secret is new: re-encrypting an unchanged key would count
      // as a change (fresh IV) and silently resume a paused connection.
      const saved = yield* Connections.upsert({
        name: connectionName,
        orgId: org,
        siteUrl: siteUrl ?? null,
        schedule: cron,
        timeZone,
        ...(Option.isSome(args.guard) ? { guard: args.guard.value } : {}),
        ...(days !== undefined ? { inactiveAfterDays: days } : {}),
        ...(Option.isSome(newKey)
          ? { apiKeyCiphertext: ApiKeyCipher.encrypt(encryptionKey, connectionName, apiKey) }
          : {}),
        ...(newJiraEmail !== undefined && newJiraToken !== undefined
          ? {
              jiraEmail: newJiraEmail,
              jiraTokenCiphertext: encryptJiraToken(encryptionKey, connectionName, newJiraToken)
            }
          : {}),
        ...(args.forgetJira ? { jiraEmail: null, jiraTokenCiphertext: null } : {})
      })
      const resumed = current?.pausedAt !== null && current?.pausedAt !== undefined && saved.pausedAt === null
      yield* Console.log(
        [
          `✓ ${args.update ? "updated" : "connected"} ${saved.name}: ${organisation.attributes.name ?? "(unnamed)"} (org ${saved.orgId})`,
          `  site      ${saved.siteUrl ?? "(none)"}${cloudId === undefined ? "" : ` → cloudId ${cloudId}`}`,
          `  guard     ${saved.guard}`,
          `  schedule  ${saved.schedule} (${saved.timeZone}), inactive after ${saved.inactiveAfterDays} days`,
          `  API key   verified${Option.isSome(newKey) ? " and stored encrypted" : " (the stored one)"}`,
          ...(saved.jiraEmail === null
            ? args.forgetJira
              ? [
                  `  Jira      ${current?.jiraEmail === null || current?.jiraEmail === undefined ? "no credentials were stored" : `credentials of ${current.jiraEmail} removed`}`
                ]
              : []
            : [
                `  Jira      ${saved.jiraEmail}${jiraProducts === undefined ? " (stored, unchanged)" : ` verified (${jiraProducts} Jira product${jiraProducts === 1 ? "" : "s"} on the site)`}, token stored encrypted`
              ]),
          ...(resumed
            ? [`  resumed   the change cleared the pause (${current?.pausedReason ?? "no reason"})`]
            : [])
        ].join("\n")
      )
    }).pipe(Effect.provide(Database.layer), Effect.provide(FetchHttpClient.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Register an Atlassian organisation, checking the key, the org and the site first (and the Jira site " +
      "credentials when given); the key is stored encrypted under SEATSYNC_ENCRYPTION_KEY.\n\n" +
      "Examples:\n" +
      "  export SEATSYNC_ENCRYPTION_KEY=$(openssl rand -base64 32)\n" +
      "  seatsync connect acme --org-id 8f2c6a0e-… --site https://acme.atlassian.net --guard unknown --api-key-stdin\n" +
      "  seatsync connect acme --update --schedule '0 3 * * *' --timezone Europe/Berlin\n" +
      "  JIRA_TOKEN=… seatsync connect acme --update --jira-email admin@acme.com --jira-token-env JIRA_TOKEN\n" +
      "  seatsync connect acme --update --forget-jira\n" +
      "  seatsync connect acme --resume          (after the worker paused it; see seatsync doctor acme)"
  )
)

/** `scheduled`, or when and after how many failures the worker paused it (the reason is in `show`). */
const stateOf = (connection: Connections.Connection): string =>
  connection.pausedAt === null
    ? `scheduled${connection.consecutiveFailures > 0 ? ` (${connection.consecutiveFailures} failed in a row)` : ""}`
    : `PAUSED since ${connection.pausedAt.toISOString()} after ${connection.consecutiveFailures} failures: ${connection.pausedReason ?? "-"} — resume with \`seatsync connect ${connection.name} --resume\``

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
        `${connection.name.padEnd(20)} org ${connection.orgId}  site ${connection.siteUrl ?? "-"}  guard ${connection.guard}  ${connection.schedule} (${connection.timeZone})  ${stateOf(connection)}`
      )
    }
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "List the registered connections, with their schedule and state (scheduled, or paused and why).\n\n" +
      "Examples:\n" +
      "  seatsync connections list"
  )
)

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
        `Jira credentials     ${c.jiraEmail === null ? "none" : `${c.jiraEmail}, token set (stored encrypted)`}`,
        `state                ${stateOf(c)}`,
        ...(c.pausedReason === null ? [] : [`paused because       ${c.pausedReason}`]),
        `failures in a row    ${c.consecutiveFailures}`,
        `created / updated    ${c.createdAt.toISOString()} / ${c.updatedAt.toISOString()}`
      ].join("\n")
    )
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Show one connection: site, Guard, schedule, threshold, pause state and failure streak (never its key).\n\n" +
      "Examples:\n" +
      "  seatsync connections show acme"
  )
)

const remove = Command.make("remove", { name }, (args) =>
  Effect.gen(function* () {
    const removed = yield* Connections.remove(args.name)
    if (!removed) return yield* invalid("name", `there is no connection called ${args.name}`)
    yield* Console.log(`Removed connection ${args.name} and everything stored for it.`)
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Remove a connection and all its stored data (users, runs, history).\n\n" +
      "Examples:\n" +
      "  seatsync connections remove acme"
  )
)

export const connectionsCommand = Command.make("connections").pipe(
  Command.withDescription(
    "List, show or remove registered connections.\n\n" +
      "Examples:\n" +
      "  seatsync connections list\n" +
      "  seatsync connections show acme\n" +
      "  seatsync connections remove acme"
  ),
  Command.withSubcommands([list, show, remove])
)

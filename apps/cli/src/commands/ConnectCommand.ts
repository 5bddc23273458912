/**
 * `seatsync connect <name>`: registers an organisation after checking everything — the options agree, the
 * connection's rules hold, the key works, the organisation answers, the site resolves to a cloudId, the Jira
 * site credentials (if given) work — and stores the key and the Jira token encrypted. `--resume` clears a
 * pause the worker set after repeated failures.
 */
import { Args, Command, Options } from "@effect/cli"
import { ApiKeyCipher, ConnectionSecrets, Connections } from "@seatsync/store"
import { ConnectionNotFound } from "@seatsync/sync"
import { Clock, Console, Effect, Option, Redacted } from "effect"
import { checkConnection } from "../connect/ConnectionCheck.js"
import {
  type ConnectArguments,
  checkResumeAlone,
  checkRules,
  connectRequest
} from "../connect/ConnectRequest.js"
import { renderConnected } from "../connect/ConnectSummary.js"
import { apiKeyFromStdin, apiKeyFromVariable, secretFromVariable } from "../connect/SecretInput.js"
import { withErrorReport } from "../ErrorReport.js"
import { runnerLayer } from "../Runner.js"
import { UsageError } from "../UsageError.js"

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
const keyExpires = Options.text("key-expires").pipe(
  Options.optional,
  Options.withDescription(
    "The day the API key expires, YYYY-MM-DD, as Atlassian shows it when the key is created (the API never " +
      "tells): doctor warns 30 days ahead and fails after it, the worker warns. Give it with every new key."
  )
)
const resume = Options.boolean("resume").pipe(
  Options.withDescription("Resume a connection the worker paused after repeated failures (use alone).")
)

/** `connect <name> --resume`: clears the pause and the failure streak, saying what was cleared. */
const resumeConnection = (connectionName: string) =>
  Effect.gen(function* () {
    const before = yield* Connections.findByName(connectionName)
    const after = yield* Connections.resume(connectionName)
    if (Option.isNone(before) || Option.isNone(after)) {
      return yield* new ConnectionNotFound({ connection: connectionName })
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

/** A new key from stdin or the environment; none on --update when one is stored and none is given. */
const newApiKey = (args: ConnectArguments, current: Connections.Connection | undefined) =>
  args.apiKeyStdin
    ? Effect.map(apiKeyFromStdin, (key) => Option.some(Redacted.make(key)))
    : Option.isSome(args.apiKeyEnv) || current === undefined || current.apiKeyCiphertext === null
      ? Effect.map(
          apiKeyFromVariable(Option.getOrElse(args.apiKeyEnv, () => "ATLASSIAN_API_KEY")),
          Option.some
        )
      : Effect.succeed(Option.none<Redacted.Redacted<string>>())

const connect = (args: ConnectArguments) =>
  Effect.gen(function* () {
    yield* checkRules({ name: args.name }).pipe(
      Effect.mapError(
        () =>
          new UsageError({
            field: "name",
            reason: `"${args.name}" must be a lower-case slug such as acme or acme-eu`
          })
      )
    )
    if (args.resume) {
      yield* checkResumeAlone(args)
      return yield* resumeConnection(args.name)
    }
    const today = new Date(yield* Clock.currentTimeMillis).toISOString().slice(0, 10)
    const request = yield* connectRequest(args.name, args, yield* Connections.findByName(args.name), today)
    const newJira =
      request.newJira === undefined
        ? undefined
        : {
            email: request.newJira.email,
            apiToken: yield* secretFromVariable(
              request.newJira.tokenVariable,
              "--jira-token-env",
              `the Jira API token of ${request.newJira.email}`
            )
          }
    const newKey = yield* newApiKey(args, request.current)
    const encryptionKey = yield* ApiKeyCipher.requireEncryptionKey
    const apiKey = Option.isSome(newKey)
      ? newKey.value
      : yield* ApiKeyCipher.decrypt(
          encryptionKey,
          args.name,
          request.current?.apiKeyCiphertext ?? new Uint8Array()
        )

    // Everything is checked against Atlassian before anything is saved.
    const checked = yield* checkConnection(request, apiKey, newJira, args.forgetJira)

    // Ciphertexts are written only when their secret is new: re-encrypting an unchanged key would count
    // as a change (fresh IV) and silently resume a paused connection.
    const saved = yield* Connections.upsert({
      name: args.name,
      orgId: request.orgId,
      siteUrl: request.siteUrl ?? null,
      schedule: request.schedule,
      timeZone: request.timeZone,
      ...(Option.isSome(args.guard) ? { guard: args.guard.value } : {}),
      ...(request.inactiveAfterDays !== undefined ? { inactiveAfterDays: request.inactiveAfterDays } : {}),
      ...(Option.isSome(newKey)
        ? { apiKeyCiphertext: ConnectionSecrets.encryptApiKey(encryptionKey, args.name, apiKey) }
        : {}),
      // A new key without a date forgets the old key's: that date was about another key.
      ...(request.apiKeyExpiresOn !== undefined
        ? { apiKeyExpiresOn: request.apiKeyExpiresOn }
        : Option.isSome(newKey)
          ? { apiKeyExpiresOn: null }
          : {}),
      ...(newJira !== undefined
        ? {
            jiraEmail: newJira.email,
            jiraTokenCiphertext: ConnectionSecrets.encryptJiraToken(
              encryptionKey,
              args.name,
              newJira.apiToken
            )
          }
        : {}),
      ...(args.forgetJira ? { jiraEmail: null, jiraTokenCiphertext: null } : {})
    })
    yield* Console.log(
      renderConnected({
        updated: args.update,
        saved,
        previous: request.current,
        checked,
        newKey: Option.isSome(newKey),
        forgetJira: args.forgetJira
      })
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
    resume,
    keyExpires
  },
  (args) => connect(args).pipe(Effect.provide(runnerLayer), withErrorReport)
).pipe(
  Command.withDescription(
    "Register an Atlassian organisation, checking the key, the org and the site first (and the Jira site " +
      "credentials when given); the key is stored encrypted under SEATSYNC_ENCRYPTION_KEY.\n\n" +
      "Examples:\n" +
      "  export SEATSYNC_ENCRYPTION_KEY=$(openssl rand -base64 32)\n" +
      "  seatsync connect acme --org-id 8f2c6a0e-… --site https://acme.atlassian.net --guard unknown --api-key-stdin --key-expires 2027-11-30\n" +
      "  seatsync connect acme --update --schedule '0 3 * * *' --timezone Europe/Berlin\n" +
      "  JIRA_TOKEN=… seatsync connect acme --update --jira-email admin@acme.com --jira-token-env JIRA_TOKEN\n" +
      "  seatsync connect acme --update --forget-jira\n" +
      "  seatsync connect acme --update --api-key-stdin --key-expires 2028-01-31   (a new key, before the old one expires)\n" +
      "  seatsync connect acme --resume          (after the worker paused it; see seatsync doctor acme)"
  )
)

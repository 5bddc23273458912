/**
 * Turns every failure a command can end in into one sentence that says what happened and what to do,
 * plus the exit code for scripts.
 */
import { Cause, Chunk, Effect, Option } from "effect"
import { ExitCode, ExitCodes } from "./ExitCode.js"

interface Report {
  readonly sentence: string
  readonly code: number
}

const tagged = (error: unknown): { readonly _tag: string; readonly message: string } | undefined =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
    ? { _tag: error._tag, message: error instanceof Error ? error.message : String(error) }
    : undefined

/**
 * The fix for a request that got no answer at all, by why (the client's `AtlassianUnavailable.transport`):
 * nothing listens at the address, or nothing answered in time. Undefined for a server's own error status.
 */
export const transportAdvice = (error: unknown, again = "run the sync again"): string | undefined => {
  const transport =
    typeof error === "object" && error !== null && "transport" in error ? error.transport : undefined
  switch (transport) {
    case "unreachable":
      return "Nothing answers at that address: check ATLASSIAN_ADMIN_BASE_URL (unset, it is https://api.atlassian.com/admin), then the network, DNS or proxy between this machine and Atlassian."
    case "timeout":
      return `No answer came in time: check the network or proxy to that address and ${again}; if Atlassian is only slow, raise SEATSYNC_REQUEST_TIMEOUT (seconds).`
    case "network":
      return `The connection broke: check the network or proxy to that address and ${again}.`
    default:
      return undefined
  }
}

/**
 * `Failed to execute statement (Connection terminated unexpectedly)`: the SQL client's message and the
 * database's own, which says what happened.
 */
const withCause = (error: unknown, message: string): string => {
  const cause = typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined
  const detail = cause instanceof Error ? cause.message.split("\n")[0] : undefined
  return detail === undefined || detail === "" || message.includes(detail)
    ? message
    : `${message} (${detail})`
}

/**
 * The database error in a cause that holds no failure: @effect/sql's `withTransaction` turns a COMMIT or
 * ROLLBACK on a connection that died (PostgreSQL killed in the merge) into a defect, which is still a
 * database problem (exit 8), not a bug.
 */
const databaseDefect = (cause: Cause.Cause<unknown>): Option.Option<unknown> =>
  Chunk.findFirst(Cause.defects(cause), (defect) => tagged(defect)?._tag === "SqlError")

/** The sentence and exit code for one failure. */
export const reportFor = (error: unknown): Report => {
  const known = tagged(error)
  if (known === undefined) {
    return { sentence: `Unexpected failure: ${String(error)}`, code: ExitCodes.unexpected }
  }
  const { message } = known
  switch (known._tag) {
    case "InvalidApiKey":
      return {
        sentence: `The Atlassian API key was rejected (401) — ${message}. Check it was pasted without spaces and has not expired; create a new one under Atlassian Administration → Settings → API keys.`,
        code: ExitCodes.invalidApiKey
      }
    case "ApiKeyExpired":
      return { sentence: `${message}.`, code: ExitCodes.invalidApiKey }
    case "Forbidden":
      return {
        sentence: `${message}. Use a key created by an organisation admin; if it is a scoped key, create one without scopes.`,
        code: ExitCodes.forbidden
      }
    case "OrgNotFound":
      return {
        sentence: `${message}. Check the organisation id: it is the UUID after /o/ in https://admin.atlassian.com/o/<orgId>/…, and the key must belong to that organisation.`,
        code: ExitCodes.orgNotFound
      }
    case "AtlassianUnavailable": {
      const advice = transportAdvice(error)
      if (advice !== undefined)
        return {
          sentence: `${message}. Nothing was changed in the database. ${advice}`,
          code: ExitCodes.atlassianUnavailable
        }
      return {
        sentence: `${message}. Nothing was changed in the database; run the sync again later.`,
        code: ExitCodes.atlassianUnavailable
      }
    }
    case "UnexpectedRedirect":
      return {
        sentence: `${message}. Nothing was changed in the database.`,
        code: ExitCodes.unexpectedResponse
      }
    case "RateLimited":
      return {
        sentence: `${message}. Nothing was changed in the database; run the sync again later.`,
        code: ExitCodes.atlassianUnavailable
      }
    case "UnexpectedResponse":
    case "RepeatedCursor":
    case "BadRequest":
    case "ResourceNotFound":
      return {
        sentence: `${message}. Nothing was changed in the database; please report this with the request id.`,
        code: ExitCodes.unexpectedResponse
      }
    case "RepeatedRecords":
      return {
        sentence: `${message}. Run the sync again later; if it repeats, report it to Atlassian support with the listing named.`,
        code: ExitCodes.unexpectedResponse
      }
    case "DeletionGuardTripped":
      return {
        sentence: `${message}. Nothing was changed. If those removals are real (e.g. a clean-up in Atlassian), run the sync again with --force.`,
        code: ExitCodes.deletionGuard
      }
    case "LockHeld":
      return {
        sentence: `${message}. Wait for that run to finish (see the run ledger), then try again.`,
        code: ExitCodes.lockHeld
      }
    case "SqlError":
      return {
        sentence: `Database problem: ${withCause(error, message)}`,
        code: ExitCodes.databaseUnavailable
      }
    case "DatabaseUnavailable":
    case "DatabaseInUse":
    case "MigrationError":
      return { sentence: `Database problem: ${message}`, code: ExitCodes.databaseUnavailable }
    case "JiraCredentialsRejected":
      return {
        sentence: `${message}. Use the email of a Jira administrator and a current, unscoped API token from https://id.atlassian.com/manage-profile/security/api-tokens, passed with --jira-token-env VAR.`,
        code: ExitCodes.invalidApiKey
      }
    case "EncryptionKeyMissing":
    case "EncryptionKeyInvalid":
    case "ApiKeyUndecryptable":
    case "JiraTokenUndecryptable":
    case "InvalidConfig":
    case "UsageError":
    case "ConnectionNotFound":
    case "ApiKeyMissing":
    case "ConnectionRuleViolation":
    case "ConfigError":
    case "ReadOnlyViolation":
      return { sentence: message, code: ExitCodes.usage }
    default:
      return { sentence: message, code: ExitCodes.unexpected }
  }
}

/**
 * Prints the failure of `effect` as one sentence on stderr and fails with its `ExitCode`. Interruption
 * (Ctrl-C) passes through untouched so the runtime exits 130 after finalizers ran.
 */
export const withErrorReport = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, ExitCode, R> =>
  effect.pipe(
    Effect.catchAllCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
      const failure = Option.orElse(Cause.failureOption(cause), () => databaseDefect(cause))
      const report = Option.match(failure, {
        onNone: () => ({
          sentence: `Unexpected failure:\n${Cause.pretty(cause)}`,
          code: ExitCodes.unexpected
        }),
        onSome: reportFor
      })
      return Effect.sync(() => process.stderr.write(`seatsync: ${report.sentence}\n`)).pipe(
        Effect.zipRight(Effect.fail(new ExitCode({ code: report.code })))
      )
    })
  )

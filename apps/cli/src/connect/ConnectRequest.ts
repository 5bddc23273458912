/**
 * What a `seatsync connect` command line asks for, checked before anything is read from Atlassian: the
 * option combinations, and the connection's own rules (`ConnectionRules` of the store, the same rules the
 * store enforces when the connection is saved) reported under the option that broke them.
 */
import { ConnectionRules, type Connections } from "@seatsync/store"
import { Effect, Option } from "effect"
import { UsageError } from "../UsageError.js"

/** The options of `seatsync connect` (all but the secrets' sources). */
export interface ConnectArguments {
  readonly name: string
  readonly orgId: Option.Option<string>
  readonly site: Option.Option<string>
  readonly guard: Option.Option<Connections.Guard>
  readonly apiKeyStdin: boolean
  readonly apiKeyEnv: Option.Option<string>
  readonly schedule: Option.Option<string>
  readonly timezone: Option.Option<string>
  readonly inactiveAfterDays: Option.Option<number>
  readonly update: boolean
  readonly jiraEmail: Option.Option<string>
  readonly jiraTokenEnv: Option.Option<string>
  readonly forgetJira: boolean
  readonly resume: boolean
  /** The day the key expires, as Atlassian shows it when the key is created (YYYY-MM-DD). */
  readonly keyExpires: Option.Option<string>
}

/** The settings the connection will have, with the new Jira credentials' sources if any. */
export interface ConnectRequest {
  readonly name: string
  readonly current: Connections.Connection | undefined
  readonly orgId: string
  readonly siteUrl: string | undefined
  readonly schedule: string
  readonly timeZone: string
  readonly inactiveAfterDays: number | undefined
  readonly newJira: { readonly email: string; readonly tokenVariable: string } | undefined
  /** The key's expiry day when given (`--key-expires`). */
  readonly apiKeyExpiresOn: string | undefined
}

/** The option each setting comes from, to name it in an error. */
const optionOf: Record<ConnectionRules.Setting, string> = {
  name: "name",
  orgId: "--org-id",
  schedule: "--schedule",
  timeZone: "--timezone",
  inactiveAfterDays: "--inactive-after-days",
  siteUrl: "--site",
  jiraEmail: "--jira-email",
  apiKeyExpiresOn: "--key-expires"
}

/** The connection's rules on the given settings, as a usage error naming the option at fault. */
export const checkRules = (settings: ConnectionRules.ConnectionSettings) =>
  ConnectionRules.check(settings).pipe(
    Effect.mapError(
      (violation) => new UsageError({ field: optionOf[violation.setting], reason: violation.reason })
    )
  )

/** `--resume` is used alone: a change made with `--update` resumes the connection too. */
export const checkResumeAlone = (args: ConnectArguments): Effect.Effect<void, UsageError> => {
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
      args.jiraTokenEnv,
      args.keyExpires
    ] as ReadonlyArray<Option.Option<unknown>>
  ).some(Option.isSome)
  return changes || args.update || args.apiKeyStdin || args.forgetJira
    ? Effect.fail(
        new UsageError({
          field: "--resume",
          reason:
            "use it alone (`seatsync connect <name> --resume`); a change with --update resumes the connection too"
        })
      )
    : Effect.void
}

const siteNeeded = new UsageError({
  field: "--site",
  reason: "Jira site credentials need the site they are for: add --site https://<your-site>.atlassian.net"
})

/** A key expiry day before `today` (both YYYY-MM-DD): that key could not have been checked just now. */
const expiredAlready = (day: string, today: string) =>
  new UsageError({
    field: "--key-expires",
    reason: `${day} is in the past (today is ${today}); give the expiry date Atlassian showed when this key was created, or create a new key`
  })

/** The request, once the options agree with each other, with what is stored, and with the rules. */
export const connectRequest = (
  name: string,
  args: ConnectArguments,
  existing: Option.Option<Connections.Connection>,
  today: string
): Effect.Effect<ConnectRequest, UsageError> =>
  Effect.gen(function* () {
    if (Option.isSome(existing) && !args.update) {
      return yield* new UsageError({
        field: "name",
        reason: `a connection called ${name} exists; add --update to change it`
      })
    }
    if (Option.isNone(existing) && args.update) {
      return yield* new UsageError({
        field: "name",
        reason: `there is no connection called ${name} to update`
      })
    }
    const current = Option.getOrUndefined(existing)
    const typedOrgId = Option.getOrUndefined(args.orgId)?.trim()
    const orgId = typedOrgId ?? current?.orgId
    if (orgId === undefined) {
      return yield* new UsageError({
        field: "--org-id",
        reason: "give the organisation id, the UUID after /o/ in https://admin.atlassian.com/o/<orgId>/"
      })
    }
    const timeZone = Option.getOrUndefined(args.timezone) ?? current?.timeZone ?? "UTC"
    const schedule = Option.getOrUndefined(args.schedule) ?? current?.schedule ?? "0 2 * * *"
    const inactiveAfterDays = Option.getOrUndefined(args.inactiveAfterDays)
    const siteUrl = Option.getOrUndefined(args.site) ?? current?.siteUrl ?? undefined

    // Jira site credentials: both or neither, and only with a site to use them on.
    const email = Option.getOrUndefined(args.jiraEmail)?.trim()
    const tokenVariable = Option.getOrUndefined(args.jiraTokenEnv)
    if ((email === undefined) !== (tokenVariable === undefined)) {
      return yield* new UsageError({
        field: "--jira-email/--jira-token-env",
        reason:
          "give both --jira-email EMAIL and --jira-token-env VAR (the variable holding that account's API token), or neither"
      })
    }
    if (args.forgetJira && email !== undefined) {
      return yield* new UsageError({
        field: "--forget-jira",
        reason:
          "either remove the Jira credentials (--forget-jira) or set new ones (--jira-email/--jira-token-env), not both"
      })
    }
    if (args.forgetJira && current === undefined) {
      return yield* new UsageError({
        field: "--forget-jira",
        reason: "use it with --update on an existing connection"
      })
    }
    const apiKeyExpiresOn = Option.getOrUndefined(args.keyExpires)?.trim()
    // An org id typed now must be a whole UUID; one stored earlier is held only to the store's rule.
    yield* checkRules({
      ...(typedOrgId === undefined ? { orgId } : { typedOrgId }),
      timeZone,
      schedule,
      inactiveAfterDays,
      jiraEmail: email,
      apiKeyExpiresOn
    })
    if (apiKeyExpiresOn !== undefined && apiKeyExpiresOn < today) {
      return yield* expiredAlready(apiKeyExpiresOn, today)
    }
    if (email !== undefined && siteUrl === undefined) return yield* siteNeeded
    return {
      name,
      current,
      orgId,
      siteUrl,
      schedule,
      timeZone,
      inactiveAfterDays,
      newJira: email !== undefined && tokenVariable !== undefined ? { email, tokenVariable } : undefined,
      apiKeyExpiresOn
    } satisfies ConnectRequest
  })

/** Stored Jira credentials are checked again when the site they are for changes. */
export const recheckStoredJira = (request: ConnectRequest, forgetJira: boolean): boolean =>
  request.newJira === undefined &&
  request.current !== undefined &&
  request.siteUrl !== (request.current.siteUrl ?? undefined) &&
  !forgetJira

export const jiraNeedsSite = siteNeeded

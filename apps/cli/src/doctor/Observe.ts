/**
 * The reads behind `seatsync doctor` for one connection: each the smallest request that exercises an
 * endpoint the sync needs, every outcome kept (nothing fails here), with a short retry budget so that an
 * outage shows as a failed check within seconds rather than after the sync's ten-minute budget.
 */
import type { HttpClient } from "@effect/platform"
import {
  AtlassianClient,
  defaultPacing,
  type PacingOptions,
  retrySchedule,
  SiteClient,
  type SiteUrlOptions
} from "@seatsync/atlassian-client"
import { type PreviousRunSize, planSync, readOrgSize } from "@seatsync/sync"
import { Duration, Effect, Either, Option, type Redacted, Stream } from "effect"
import { verifyJiraCredentials } from "../JiraSite.js"
import type {
  ApiProbes,
  KeySource,
  LastRun,
  Observations,
  Probe,
  ProbeError,
  Subject,
  SyncEstimate
} from "./Observations.js"

export interface Target {
  readonly subject: Subject
  /** The API key and where it came from, or why it cannot be had. */
  readonly key: Effect.Effect<
    { readonly apiKey: Redacted.Redacted<string>; readonly source: KeySource },
    ProbeError
  >
  /** The Jira site credentials, when set (the token may fail to decrypt). */
  readonly jira: Option.Option<{
    readonly email: string
    readonly credentials: Effect.Effect<SiteClient.SiteCredentials, ProbeError>
  }>
  readonly adminBaseUrl: string
  readonly site: SiteUrlOptions
  readonly pacing?: PacingOptions | undefined
  readonly lastRun: Option.Option<LastRun>
  /** The last succeeded full run's size: the estimate's proxy for product role holders. */
  readonly previousRun?: Option.Option<PreviousRunSize> | undefined
}

const doctorRetries = retrySchedule({
  baseDelay: Duration.millis(200),
  maxDelay: Duration.seconds(2),
  budget: Duration.seconds(10),
  maxRetries: 2
})

/** Org failures after which probing the other endpoints says nothing more. */
const fatalOrgFailures = new Set([
  "InvalidApiKey",
  "InvalidConfig",
  "OrgNotFound",
  "AtlassianUnavailable",
  "RateLimited",
  // A redirect on the organisation's own read: the base URL points somewhere else; nothing more to learn.
  "UnexpectedRedirect"
])

const probeApi = (client: AtlassianClient.AtlassianClientShape, orgId: string) =>
  Effect.gen(function* () {
    const directories = yield* Effect.either(
      client.directories(orgId).pipe(
        Stream.runCollect,
        Effect.map((chunk) => Array.from(chunk))
      )
    )
    const users = yield* Effect.either(
      client
        .users(orgId, undefined, { pageSize: 1 })
        .pipe(Stream.runHead, Effect.map(Option.flatMap((user) => Option.fromNullable(user.accountId))))
    )
    const groups = yield* Effect.either(
      client
        .groups(orgId, undefined, { pageSize: 1 })
        .pipe(Stream.runHead, Effect.map(Option.flatMap((group) => Option.fromNullable(group.id))))
    )
    const groupId = Either.getOrElse(groups, () => Option.none<string>())
    const groupRoles: Probe<void> | undefined = Option.isSome(groupId)
      ? yield* Effect.either(
          client
            .groupRoleAssignments(orgId, groupId.value, undefined, { pageSize: 1 })
            .pipe(Stream.runHead, Effect.asVoid)
        )
      : undefined
    const workspaces = yield* Effect.either(
      client.workspaces(orgId).pipe(
        Stream.runCollect,
        Effect.map((chunk) => Array.from(chunk))
      )
    )
    const accountId = Either.getOrElse(users, () => Option.none<string>())
    const lastActive: Probe<void> | undefined = Option.isSome(accountId)
      ? yield* Effect.either(Effect.asVoid(client.lastActiveDates(orgId, accountId.value)))
      : undefined
    const managedAccounts = yield* Effect.either(
      client.managedAccounts(orgId).pipe(
        Stream.chunks,
        Stream.runHead,
        Effect.map((page) => Option.match(page, { onNone: () => [], onSome: (chunk) => Array.from(chunk) }))
      )
    )
    return {
      directories,
      users,
      groups,
      groupRoles,
      workspaces,
      lastActive,
      managedAccounts
    } satisfies ApiProbes
  })

/** Everything doctor reads about one connection; never fails (every failure is an observation). */
export const observe = (target: Target): Effect.Effect<Observations, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const { subject } = target
    const key = yield* Effect.either(target.key)
    let org: Observations["org"]
    let api: ApiProbes | undefined
    let estimate: Probe<SyncEstimate> | undefined
    if (Either.isRight(key)) {
      const client = yield* Effect.either(
        AtlassianClient.make({
          apiKey: key.right.apiKey,
          adminBaseUrl: target.adminBaseUrl,
          retrySchedule: doctorRetries,
          ...(target.pacing === undefined ? {} : { pacing: target.pacing })
        })
      )
      if (Either.isLeft(client)) {
        org = Either.left(client.left)
      } else {
        org = yield* Effect.either(client.right.org(subject.orgId))
        if (Either.isRight(org) || !fatalOrgFailures.has(org.left._tag)) {
          api = yield* probeApi(client.right, subject.orgId)
          const previous = target.previousRun ?? Option.none()
          // The counts only, no listing walk and no count per product role: doctor stays quick.
          estimate = yield* Effect.either(
            readOrgSize(
              client.right,
              subject.orgId,
              { _tag: "Proxy", previous },
              subject.guard === "enabled"
                ? { previousListed: Option.getOrUndefined(previous)?.guardListed }
                : undefined
            ).pipe(
              Effect.map(
                (size): SyncEstimate => ({
                  size,
                  plan: planSync(size, target.pacing ?? defaultPacing),
                  previousCalls: Option.map(previous, (run) => run.apiCalls)
                })
              )
            )
          )
        }
      }
    }

    const siteClient = SiteClient.layer(target.site)
    const siteUrl = subject.siteUrl
    const cloudId: Observations["cloudId"] =
      siteUrl === null
        ? Option.none()
        : Option.some(
            yield* Effect.either(
              Effect.flatMap(SiteClient.SiteClient, (site) => site.cloudId(siteUrl)).pipe(
                Effect.provide(siteClient)
              )
            )
          )
    const jira: Observations["jira"] = Option.isNone(target.jira)
      ? Option.none()
      : Option.some({
          email: target.jira.value.email,
          roles: yield* Effect.either(
            target.jira.value.credentials.pipe(
              Effect.flatMap((credentials) =>
                siteUrl === null
                  ? Effect.fail<ProbeError>({
                      _tag: "InvalidConfig",
                      message: "Jira credentials are set but no site is"
                    })
                  : verifyJiraCredentials(siteUrl, credentials)
              ),
              Effect.provide(siteClient)
            )
          )
        })

    return {
      subject,
      key: Either.map(key, (value) => value.source),
      org,
      api,
      cloudId,
      jira,
      lastRun: target.lastRun,
      estimate
    } satisfies Observations
  }).pipe(Effect.withSpan("doctor.observe", { attributes: { connection: target.subject.name } }))

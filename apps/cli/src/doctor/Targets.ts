/**
 * What `seatsync doctor` examines for each connection (a `Target`): a stored connection with its key
 * source, the runner's base URL, pacing and site rule, and its last run; or the demo's in-process
 * simulator. Also how any failure is shown as a doctor finding.
 */

import type { SqlClient, SqlError } from "@effect/sql"
import { unpaced } from "@seatsync/atlassian-client"
import { Simulator, SiteHandlers } from "@seatsync/atlassian-simulator"
import { ConnectionSecrets, Connections, KeyExpiry, SyncRuns } from "@seatsync/store"
import { ConnectionRunner, previousRunSize } from "@seatsync/sync"
import { Clock, Effect, Option, type ParseResult, Redacted } from "effect"
import { reportFor } from "../ErrorReport.js"
import * as SimulatorClock from "../SimulatorClock.js"
import type { DatabaseFailure } from "./DatabaseChecks.js"
import type { LastRun, ProbeError, Subject } from "./Observations.js"
import type { Target } from "./Observe.js"

/** Any failure as doctor shows it: its tag and the one sentence `ErrorReport` would print. */
export const asProbeError = (error: unknown): ProbeError => ({
  _tag:
    typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
      ? error._tag
      : "Error",
  message: reportFor(error).sentence
})

/** A database failure: what went wrong, and its own remedy when it carries one (`DatabaseUnavailable`). */
export const databaseFailure = (error: unknown): DatabaseFailure =>
  typeof error === "object" &&
  error !== null &&
  "reason" in error &&
  typeof error.reason === "string" &&
  "remedy" in error &&
  typeof error.remedy === "string"
    ? { _tag: asProbeError(error)._tag, message: error.reason, remedy: error.remedy }
    : asProbeError(error)

/** A tagged error's own message (for errors whose sentence would add an unrelated generic fix). */
export const ownMessage = (error: { readonly _tag: string; readonly message: string }): ProbeError => ({
  _tag: error._tag,
  message: error.message
})

const lastRunOf = (connection: Connections.Connection) =>
  SyncRuns.listRecent(connection.id, 1).pipe(
    Effect.map((runs) =>
      Option.map(Option.fromNullable(runs[0]), (run): LastRun => {
        const error = run.error
        const message =
          typeof error === "object" &&
          error !== null &&
          "message" in error &&
          typeof error.message === "string"
            ? error.message
            : undefined
        return {
          id: run.id,
          status: run.status,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          errorMessage: message,
          reconciliation: run.reconciliation
        }
      })
    )
  )

const subjectOf = (connection: Connections.Connection, demoSubject: boolean, now: number): Subject => ({
  name: connection.name,
  orgId: connection.orgId,
  guard: connection.guard,
  siteUrl: connection.siteUrl,
  schedule: connection.schedule,
  timeZone: connection.timeZone,
  pausedAt: connection.pausedAt,
  pausedReason: connection.pausedReason,
  consecutiveFailures: connection.consecutiveFailures,
  keyExpiry: KeyExpiry.state(connection.apiKeyExpiresOn, new Date(now)),
  registered: true,
  demo: demoSubject
})

/** A stored connection, read with its stored (or `--api-key-env`) key against the configured Admin API. */
export const storedTarget = (
  runner: ConnectionRunner.ConnectionRunnerShape,
  connection: Connections.Connection,
  keyVariable: Option.Option<string>
): Effect.Effect<Target, SqlError.SqlError | ParseResult.ParseError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const fromEnvironment = Option.isSome(keyVariable) || connection.apiKeyCiphertext === null
    const jiraEmail = connection.jiraEmail
    return {
      subject: subjectOf(connection, false, yield* Clock.currentTimeMillis),
      key: runner
        .apiKey(
          connection,
          Option.match(keyVariable, {
            onNone: () => ConnectionRunner.storedKey,
            onSome: (variable) => ({ _tag: "Environment", variable })
          })
        )
        .pipe(
          Effect.map((apiKey) => ({
            apiKey,
            source: fromEnvironment
              ? {
                  kind: "environment" as const,
                  variable: Option.getOrElse(keyVariable, () => "ATLASSIAN_API_KEY")
                }
              : { kind: "stored" as const }
          })),
          Effect.mapError(ownMessage)
        ),
      jira:
        jiraEmail === null
          ? Option.none()
          : Option.some({
              email: jiraEmail,
              credentials: ConnectionSecrets.jiraCredentials(connection).pipe(
                Effect.mapError(ownMessage),
                Effect.flatMap(
                  Option.match({
                    onNone: () =>
                      Effect.fail<ProbeError>({ _tag: "InvalidConfig", message: "no Jira token is stored" }),
                    onSome: Effect.succeed
                  })
                )
              )
            }),
      adminBaseUrl: runner.config.adminBaseUrl,
      site: { unsafeAllowAnyHost: runner.config.unsafeAnySiteHost },
      pacing: runner.config.pacing,
      lastRun: yield* lastRunOf(connection),
      previousRun: yield* previousRunSize(connection.id)
    } satisfies Target
  })

/**
 * The demo: the in-process simulator (its site and Jira credentials included), and what is stored about the
 * `demo` connection when `sync --demo` has run for the same organisation. Nothing is written.
 */
export const demoTarget = (seedValue: number) =>
  Effect.gen(function* () {
    // The same organisation as `sync --demo`'s: same seed, same clock.
    const simulator = yield* Simulator.start({
      seed: seedValue,
      users: 500,
      referenceTime: yield* SimulatorClock.startOfToday
    })
    const now = yield* Clock.currentTimeMillis
    const stored = Option.filter(
      yield* Connections.findByName("demo"),
      (connection) => connection.orgId === simulator.orgId
    )
    const base = Option.match(stored, {
      onSome: (connection): Subject => subjectOf(connection, true, now),
      onNone: (): Subject => ({
        name: "demo",
        orgId: simulator.orgId,
        guard: "unknown",
        siteUrl: null,
        schedule: "0 2 * * *",
        timeZone: "UTC",
        pausedAt: null,
        pausedReason: null,
        consecutiveFailures: 0,
        keyExpiry: { _tag: "NotRecorded" },
        registered: false,
        demo: true
      })
    })
    const credentials = {
      email: SiteHandlers.defaultSiteCredentials.email,
      apiToken: Redacted.make(SiteHandlers.defaultSiteCredentials.apiToken)
    }
    return {
      subject: { ...base, siteUrl: simulator.baseUrl },
      key: Effect.succeed({
        apiKey: Redacted.make(simulator.apiKey),
        source: { kind: "simulator" as const }
      }),
      jira: Option.some({ email: credentials.email, credentials: Effect.succeed(credentials) }),
      adminBaseUrl: simulator.adminBaseUrl,
      // The demo's site is the simulator on loopback, and its pacing would only slow the demo down.
      site: { unsafeAllowAnyHost: true },
      pacing: unpaced,
      lastRun: Option.isSome(stored) ? yield* lastRunOf(stored.value) : Option.none(),
      previousRun: Option.isSome(stored) ? yield* previousRunSize(stored.value.id) : Option.none()
    } satisfies Target
  })

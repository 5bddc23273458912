/**
 * The connection runner against a real PostgreSQL and the simulator: a stored connection runs by its name with
 * its encrypted key, its Jira site credentials feed the run exact seats, the sync and the backfill of one
 * session share one client, and a run that cannot start is recorded as failed (once, with its reason).
 */
import { randomBytes } from "node:crypto"
import { FetchHttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { SiteClient, unpaced } from "@seatsync/atlassian-client"
import { Simulator, SiteHandlers } from "@seatsync/atlassian-simulator"
import { ApiKeyCipher, ConnectionSecrets, Connections, Database, SyncRuns } from "@seatsync/store"
import { ConfigProvider, Effect, Exit, Layer, Redacted } from "effect"
import { ConnectionRunner, RunnerConfig } from "../src/index.js"

const encryptionKey = randomBytes(32).toString("base64")

const environment = (entries: ReadonlyArray<readonly [string, string]>) =>
  Effect.withConfigProvider(
    ConfigProvider.fromMap(new Map([["SEATSYNC_ENCRYPTION_KEY", encryptionKey], ...entries]))
  )

const runnerFor = (simulator: Simulator.RunningSimulator) =>
  ConnectionRunner.layer({
    adminBaseUrl: simulator.adminBaseUrl,
    pacing: unpaced,
    unsafeAnySiteHost: true
  }).pipe(Layer.provide(FetchHttpClient.layer))

/** Registers `name` as `seatsync connect` does: key and (optionally) Jira token stored encrypted. */
const register = (
  name: string,
  simulator: Simulator.RunningSimulator,
  options: { readonly apiKey?: string; readonly jira?: boolean } = {}
) =>
  Effect.gen(function* () {
    const key = yield* ApiKeyCipher.parseEncryptionKey(Redacted.make(encryptionKey))
    return yield* Connections.upsert({
      name,
      orgId: simulator.orgId,
      apiKeyCiphertext: ConnectionSecrets.encryptApiKey(
        key,
        name,
        Redacted.make(options.apiKey ?? simulator.apiKey)
      ),
      ...(options.jira === true
        ? {
            siteUrl: simulator.baseUrl,
            jiraEmail: SiteHandlers.defaultSiteCredentials.email,
            jiraTokenCiphertext: ConnectionSecrets.encryptJiraToken(
              key,
              name,
              Redacted.make(SiteHandlers.defaultSiteCredentials.apiToken)
            )
          }
        : {})
    })
  })

const runsOf = (connection: Connections.Connection) => SyncRuns.listRecent(connection.id, 10)

describe("RunnerConfig.fromEnv", () => {
  it.effect("reads the base URL, pacing and site-host switch, with the Atlassian defaults", () =>
    Effect.gen(function* () {
      const defaults = yield* RunnerConfig.fromEnv.pipe(environment([]))
      expect(defaults.adminBaseUrl).toBe("https://api.atlassian.com/admin")
      expect(defaults.unsafeAnySiteHost).toBe(false)
      const set = yield* RunnerConfig.fromEnv.pipe(
        environment([
          ["ATLASSIAN_ADMIN_BASE_URL", "http://127.0.0.1:4010/admin"],
          ["SEATSYNC_UNSAFE_ANY_SITE_HOST", "true"]
        ])
      )
      expect(set.adminBaseUrl).toBe("http://127.0.0.1:4010/admin")
      expect(set.unsafeAnySiteHost).toBe(true)
    })
  )
})

describe("ConnectionRunner", () => {
  it.layer(Database.layerThrowaway, { timeout: 180_000 })((it) => {
    it.scoped("syncs a stored connection by its name, with its stored key and exact Jira seats", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ seed: 21, users: 40 })
        yield* register("runner-acme", simulator, { jira: true })
        const runner = yield* Effect.provide(ConnectionRunner.ConnectionRunner, runnerFor(simulator))
        const summary = yield* runner.sync({ name: "runner-acme" }, { trigger: "cli" }).pipe(environment([]))
        expect(summary.entities.org_user.inserted).toBe(40)
        const site = yield* Effect.provide(SiteClient.SiteClient, runner.siteClient)
        const cloudId = yield* site.cloudId(simulator.baseUrl)
        const sql = yield* SqlClient.SqlClient
        const jira = yield* sql<{ readonly capacity: number | null }>`
          SELECT p.capacity FROM seatsync.product p JOIN seatsync.connection c ON c.id = p.connection_id
          WHERE c.name = 'runner-acme' AND p.product_key = 'jira-software' AND p.cloud_id = ${cloudId}`
        const seats = yield* site.jiraApplicationRoles(simulator.baseUrl, {
          email: SiteHandlers.defaultSiteCredentials.email,
          apiToken: Redacted.make(SiteHandlers.defaultSiteCredentials.apiToken)
        })
        expect(jira.map((row) => row.capacity)).toEqual([
          seats.find((role) => role.key === "jira-software")?.numberOfSeats
        ])
      })
    )

    it.scoped(
      "one session runs the sync and then the backfill, both recorded under the session's trigger",
      () =>
        Effect.gen(function* () {
          const simulator = yield* Simulator.start({ seed: 22, users: 12 })
          const connection = yield* register("runner-session", simulator)
          const runner = yield* Effect.provide(ConnectionRunner.ConnectionRunner, runnerFor(simulator))
          const slot = new Date("2026-11-29T02:00:00.000Z")
          const session = yield* runner.open(connection, { trigger: "worker", slot }).pipe(environment([]))
          const summary = yield* session.sync()
          const backfill = yield* session.backfill({ budget: 5 })
          expect(backfill.users).toBeLessThanOrEqual(5)
          expect(yield* SyncRuns.slotSucceeded(connection.id, slot)).toBe(true)
          const runs = yield* runsOf(connection)
          expect(runs.find((run) => run.id === summary.runId)?.trigger).toBe("worker")
          expect(runs.every((run) => run.trigger === "worker")).toBe(true)
        })
    )

    it.scoped("a connection that does not exist is ConnectionNotFound, naming it", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ seed: 23, users: 3 })
        const runner = yield* Effect.provide(ConnectionRunner.ConnectionRunner, runnerFor(simulator))
        const exit = yield* Effect.exit(runner.sync({ name: "nope" }, { trigger: "cli" }))
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("there is no connection called nope")
      })
    )

    it.scoped("a key that is nowhere fails before any request and is recorded once as a failed run", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ seed: 24, users: 3 })
        const connection = yield* Connections.upsert({ name: "runner-keyless", orgId: simulator.orgId })
        const runner = yield* Effect.provide(ConnectionRunner.ConnectionRunner, runnerFor(simulator))
        const slot = new Date("2026-11-29T02:00:00.000Z")
        const error = yield* Effect.flip(
          runner.sync(connection, { trigger: "worker", slot }).pipe(environment([]))
        )
        expect(error._tag).toBe("ApiKeyMissing")
        expect(error.message).toContain("runner-keyless")
        expect(error.message).toContain("ATLASSIAN_API_KEY")
        const runs = yield* runsOf(connection)
        expect(runs.map((run) => [run.status, run.trigger])).toEqual([["failed", "worker"]])
        expect(yield* simulator.requestCount).toBe(0)
        // A slot that already succeeded is not given a second, failed run.
        yield* Effect.flip(
          runner.sync(connection, { trigger: "worker", slot, recordFailure: false }).pipe(environment([]))
        )
        expect((yield* runsOf(connection)).length).toBe(1)
      })
    )

    it.scoped("--api-key-env names the variable: its key is used instead of the stored one", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ seed: 25, users: 5 })
        const connection = yield* register("runner-override", simulator, { apiKey: "stale-key" })
        const runner = yield* Effect.provide(ConnectionRunner.ConnectionRunner, runnerFor(simulator))
        const stored = yield* Effect.flip(runner.sync(connection, { trigger: "cli" }).pipe(environment([])))
        expect(stored._tag).toBe("InvalidApiKey")
        const summary = yield* runner
          .sync(connection, { trigger: "cli", apiKey: { _tag: "Environment", variable: "OTHER_KEY" } })
          .pipe(environment([["OTHER_KEY", simulator.apiKey]]))
        expect(summary.entities.org_user.inserted).toBe(5)
        const missing = yield* Effect.flip(
          runner
            .sync(connection, { trigger: "cli", apiKey: { _tag: "Environment", variable: "UNSET_KEY" } })
            .pipe(environment([]))
        )
        expect(missing.message).toContain("set the environment variable UNSET_KEY")
      })
    )
  })
})

import { FetchHttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { AtlassianClient, unpaced } from "@seatsync/atlassian-client"
import { Fault, Simulator } from "@seatsync/atlassian-simulator"
import { Connections, Database, Entities, OrgUsers, SyncRuns } from "@seatsync/store"
import { Effect, Fiber, Layer, Option, Redacted } from "effect"
import * as TestServices from "effect/TestServices"
import { type ProgressEvent, runSync } from "../src/index.js"

let connectionCounter = 0

/** A simulator of `users` users and a connection named after it; same seed ⇒ same org and same users. */
const setup = (options: Simulator.SimulatorOptions) =>
  Effect.gen(function* () {
    const simulator = yield* Simulator.start({ seed: 7, ...options })
    connectionCounter += 1
    const connection = yield* Connections.upsert({ name: `org-${connectionCounter}`, orgId: simulator.orgId })
    return { simulator, connection }
  })

const clientFor = (simulator: Simulator.RunningSimulator, apiKey = simulator.apiKey) =>
  AtlassianClient.layer({
    apiKey: Redacted.make(apiKey),
    adminBaseUrl: simulator.adminBaseUrl,
    pacing: unpaced
  }).pipe(Layer.provide(FetchHttpClient.layer))

/** A fingerprint of every live table's rows of a connection: equal means byte-identical content. */
const liveSnapshot = (connectionId: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const tables = Entities.entities
    const fingerprints: Record<string, string> = {}
    for (const table of tables) {
      const rows = yield* sql<{ readonly digest: string | null; readonly n: number }>`
        SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest, count(*)::int AS n
        FROM ${sql(`seatsync.${table}`)} AS t WHERE connection_id = ${connectionId}`
      fingerprints[table] = `${rows[0]?.n}:${rows[0]?.digest}`
    }
    return fingerprints
  })

describe("runSync", () => {
  it.layer(Database.layerThrowaway, { timeout: 120_000 })((it) => {
    it.scoped("syncs every user and records a succeeded run with its counts", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 250 })
        const events: Array<ProgressEvent> = []
        const summary = yield* runSync(connection, {
          trigger: "cli",
          onProgress: (event) => Effect.sync(() => void events.push(event))
        }).pipe(Effect.provide(clientFor(simulator)))
        expect(summary.entities.org_user).toMatchObject({
          staged: 250,
          inserted: 250,
          updated: 0,
          deleted: 0
        })
        expect(summary.quarantined).toBe(0)
        const live = yield* OrgUsers.listLive(connection.id)
        expect(live).toHaveLength(250)
        const run = Option.getOrThrow(yield* SyncRuns.findById(summary.runId))
        expect(run.status).toBe("succeeded")
        expect(run.entityCounts["org_user.inserted"]).toBe(250)
        expect(run.apiCalls).toBe(summary.api.apiCalls)
        const tags = events.map((event) => event._tag)
        expect(tags.slice(0, 2)).toEqual(["RunStarted", "OrgVerified"])
        expect(tags.at(-1)).toBe("Merging")
        const userPages = events.filter((event) => event._tag === "PageStaged" && event.source === "users")
        expect(userPages).toHaveLength(3)
      })
    )

    it.scoped("reports the client's retries and rate-limit waits with every page (ApiStats)", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 250 })
        yield* simulator.setFaults([Fault.rateLimited("searchDirectoryUsers", { nth: 2 }, 1)])
        const events: Array<ProgressEvent> = []
        const summary = yield* runSync(connection, {
          trigger: "cli",
          onProgress: (event) => Effect.sync(() => void events.push(event))
        }).pipe(Effect.provide(clientFor(simulator)))
        const pages = events.filter((event) => event._tag === "PageStaged").length
        const stats = events.filter((event) => event._tag === "ApiStats")
        // One snapshot after every page, and a last one before the merge.
        expect(stats).toHaveLength(pages + 1)
        expect(events.at(-2)?._tag).toBe("ApiStats")
        const last = stats.at(-1)
        expect(last).toMatchObject({
          apiCalls: summary.api.apiCalls,
          retries: 1,
          rateLimited: 1
        })
        expect(last?.sleptMillis).toBeGreaterThanOrEqual(1000)
        // Counters only ever grow.
        for (let i = 1; i < stats.length; i++) {
          expect(stats[i]!.apiCalls).toBeGreaterThanOrEqual(stats[i - 1]!.apiCalls)
        }
      }).pipe(TestServices.provideLive)
    )

    it.scoped("is idempotent: a second identical sync changes no live row", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 120 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        const before = yield* OrgUsers.listStored(connection.id)
        const second = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(simulator))
        )
        expect(second.entities.org_user).toMatchObject({
          staged: 120,
          inserted: 0,
          updated: 0,
          deleted: 0,
          unchanged: 120
        })
        for (const counts of Object.values(second.entities)) {
          expect(counts).toMatchObject({ inserted: 0, updated: 0, deleted: 0, restored: 0 })
        }
        expect(yield* OrgUsers.listStored(connection.id)).toEqual(before)
        const runs = yield* SyncRuns.listRecent(connection.id)
        expect(runs.map((run) => run.status)).toEqual(["succeeded", "succeeded"])
      })
    )

    it.scoped("soft-deletes a user that disappeared upstream after a complete run", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 60 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        // The same seed with fewer users: the first 59 users are identical, the 60th is gone.
        const smaller = yield* Simulator.start({ seed: 7, users: 59 })
        const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(smaller))
        )
        expect(summary.entities.org_user).toMatchObject({ staged: 59, deleted: 1, inserted: 0, updated: 0 })
        const stored = yield* OrgUsers.listStored(connection.id)
        expect(stored.filter((user) => user.deletedAt !== null)).toHaveLength(1)
        expect(yield* OrgUsers.listLive(connection.id)).toHaveLength(59)
      })
    )

    it.scoped(
      "leaves the live table exactly as it was when a page is not a page, and records the failure",
      () =>
        Effect.gen(function* () {
          const { simulator, connection } = yield* setup({ users: 300 })
          yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
          const before = yield* OrgUsers.listStored(connection.id)
          // Truncated JSON is no page at all (a wrong-typed record is quarantined instead: Integrity.test.ts).
          yield* simulator.setFaults([Fault.truncatedJson("searchDirectoryUsers", { nth: 3 })])
          const error = yield* Effect.flip(
            runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
          )
          expect(error._tag).toBe("UnexpectedResponse")
          expect(yield* OrgUsers.listStored(connection.id)).toEqual(before)
          const [latest] = yield* SyncRuns.listRecent(connection.id, 1)
          expect(latest?.status).toBe("failed")
          expect(latest?.error).toMatchObject({ _tag: "UnexpectedResponse" })
          // Its staged rows were discarded, not left behind.
          expect(yield* OrgUsers.discardStage(latest!.id)).toBe(0)
        })
    )

    it.scoped("records InvalidApiKey when the key is wrong, touching no live row", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 10 })
        const error = yield* Effect.flip(
          runSync(connection, { trigger: "worker" }).pipe(Effect.provide(clientFor(simulator, "wrong-key")))
        )
        expect(error._tag).toBe("InvalidApiKey")
        expect(yield* OrgUsers.listStored(connection.id)).toHaveLength(0)
        const [latest] = yield* SyncRuns.listRecent(connection.id, 1)
        expect(latest).toMatchObject({ status: "failed", trigger: "worker", apiCalls: 1 })
        expect(JSON.stringify(latest?.error)).not.toContain(simulator.apiKey)
      })
    )

    it.scoped("records an interrupted run as interrupted and changes nothing", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 400, latencyMillis: 100 })
        const pagesSeen = yield* Effect.makeLatch(false)
        const fiber = yield* runSync(connection, {
          trigger: "cli",
          onProgress: (event) => (event._tag === "PageStaged" ? pagesSeen.open : Effect.void)
        }).pipe(Effect.provide(clientFor(simulator)), Effect.fork)
        yield* pagesSeen.await
        yield* Fiber.interrupt(fiber)
        expect(yield* OrgUsers.listStored(connection.id)).toHaveLength(0)
        const [latest] = yield* SyncRuns.listRecent(connection.id, 1)
        expect(latest?.status).toBe("interrupted")
      })
    )

    it.scoped("refuses to soft-delete more than 20 % of users unless forced", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 100 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        const before = yield* liveSnapshot(connection.id)
        const shrunk = yield* Simulator.start({ seed: 7, users: 70 })
        const error = yield* Effect.flip(
          runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(shrunk)))
        )
        expect(error._tag).toBe("DeletionGuardTripped")
        expect(error.message).toContain("org_user")
        expect(yield* liveSnapshot(connection.id)).toEqual(before)
        const forced = yield* runSync(connection, { trigger: "cli", force: true }).pipe(
          Effect.provide(clientFor(shrunk))
        )
        expect(forced.entities.org_user.deleted).toBe(30)
      })
    )

    it.scoped("lets only one run per connection proceed: the second gets LockHeld", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 300, latencyMillis: 50 })
        const started = yield* Effect.makeLatch(false)
        const first = yield* runSync(connection, {
          trigger: "worker",
          onProgress: (event) => (event._tag === "RunStarted" ? started.open : Effect.void)
        }).pipe(Effect.provide(clientFor(simulator)), Effect.fork)
        yield* started.await
        const second = yield* Effect.flip(
          runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        )
        expect(second._tag).toBe("LockHeld")
        const done = yield* Fiber.join(first)
        expect(done.entities.org_user.inserted).toBe(300)
      })
    )

    it.scoped("keeps two connections' rows apart", () =>
      Effect.gen(function* () {
        const a = yield* setup({ users: 40 })
        const b = yield* setup({ seed: 8, users: 25 })
        yield* runSync(a.connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(a.simulator)))
        yield* runSync(b.connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(b.simulator)))
        expect(yield* OrgUsers.listLive(a.connection.id)).toHaveLength(40)
        expect(yield* OrgUsers.listLive(b.connection.id)).toHaveLength(25)
      })
    )
  })
})

/**
 * `seatsync-worker --once` as a process (the built binary) against an embedded PostgreSQL and the simulator:
 * it runs what is due and exits 0, exits 1 when a due slot fails, and exits 2 on bad configuration.
 */
import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Database, EmbeddedPostgres } from "@seatsync/store"
import { Effect, Redacted } from "effect"
import { connect, freshDatabase, spawnWorker, workerEnv } from "./support.js"

const encryptionKey = randomBytes(32).toString("base64")

const env = workerEnv(encryptionKey, {
  SEATSYNC_SCHEDULE_SPREAD: "0 seconds",
  SEATSYNC_POLL_INTERVAL: "500 millis",
  SEATSYNC_RETRY_LIMIT: "0"
})

const scheduledRuns = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql<{ readonly name: string; readonly status: string }>`
    SELECT c.name, r.status FROM seatsync.sync_run AS r JOIN seatsync.connection AS c ON c.id = r.connection_id
    WHERE r.slot IS NOT NULL ORDER BY r.id`
)

describe("seatsync-worker --once", () => {
  layer(Database.layerThrowaway, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.scoped(
      "runs every due slot, then the backfill, logs JSON without secrets, and exits 0",
      () =>
        Effect.gen(function* () {
          yield* freshDatabase
          const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
          const simulator = yield* Simulator.start({ users: 20, apiKey: "once-secret-key" })
          for (const name of ["north", "south"]) {
            yield* connect(name, {
              orgId: simulator.orgId,
              apiKey: "once-secret-key",
              schedule: "* * * * * *",
              encryptionKey
            })
          }
          yield* Effect.sleep("1100 millis") // a slot after the connections' creation has passed
          const worker = yield* spawnWorker("once", ["--once"], env(Redacted.value(cluster.url), simulator))
          expect(yield* worker.exited).toBe(0)
          expect(yield* scheduledRuns).toEqual([
            expect.objectContaining({ status: "succeeded" }),
            expect.objectContaining({ status: "succeeded" })
          ])
          const finished = worker.lines.find((line) => line.message === "--once finished")
          expect(finished?.annotations).toMatchObject({ due: 2, succeeded: 2, failed: 0 })
          const synced = worker.lines.filter((line) => line.message === "sync succeeded")
          expect(synced.map((line) => line.annotations.connection).sort()).toEqual(["north", "south"])
          expect(synced[0]?.annotations).toMatchObject({ users: 20 })
          expect(worker.lines.map((line) => line.message)).toContain("last-active backfill done")
          for (const secret of ["once-secret-key", encryptionKey, Redacted.value(cluster.password)]) {
            expect(worker.output()).not.toContain(secret)
          }
        }),
      120_000
    )

    it.scoped(
      "exits 1 when a due slot fails, naming it",
      () =>
        Effect.gen(function* () {
          yield* freshDatabase
          const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
          const simulator = yield* Simulator.start({ users: 5 })
          yield* connect("rejected", {
            orgId: simulator.orgId,
            apiKey: "a-key-atlassian-rejects",
            schedule: "* * * * * *",
            encryptionKey
          })
          yield* Effect.sleep("1100 millis")
          const worker = yield* spawnWorker("once", ["--once"], env(Redacted.value(cluster.url), simulator))
          expect(yield* worker.exited).toBe(1)
          const failed = worker.lines.find((line) => line.message === "slot did not succeed")
          expect(failed?.annotations).toMatchObject({ connection: "rejected" })
          const slotFailed = worker.lines.find((line) => line.message === "scheduled slot failed")
          expect(slotFailed?.annotations).toMatchObject({ error: "InvalidApiKey", consecutiveFailures: 1 })
          expect(yield* scheduledRuns).toEqual([{ name: "rejected", status: "failed" }])
        }),
      120_000
    )

    it.scoped(
      "exits 0 at once when nothing is due",
      () =>
        Effect.gen(function* () {
          yield* freshDatabase
          const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
          const simulator = yield* Simulator.start({ users: 5 })
          yield* connect("nightly", {
            orgId: simulator.orgId,
            apiKey: simulator.apiKey,
            schedule: "0 2 * * *",
            encryptionKey
          })
          const worker = yield* spawnWorker("once", ["--once"], env(Redacted.value(cluster.url), simulator))
          expect(yield* worker.exited).toBe(0)
          expect(worker.lines.find((line) => line.message === "--once finished")?.annotations).toMatchObject({
            due: 0
          })
          expect(yield* scheduledRuns).toEqual([])
        }),
      120_000
    )

    it.scoped(
      "exits 2 with one sentence naming the variable when the configuration is invalid",
      () =>
        Effect.gen(function* () {
          const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
          const simulator = yield* Simulator.start({ users: 5 })
          const worker = yield* spawnWorker(
            "once",
            ["--once"],
            env(Redacted.value(cluster.url), simulator, { SEATSYNC_WORKER_CONCURRENCY: "0" })
          )
          expect(yield* worker.exited).toBe(2)
          expect(worker.output()).toContain("SEATSYNC_WORKER_CONCURRENCY")
        }),
      60_000
    )
  })
})

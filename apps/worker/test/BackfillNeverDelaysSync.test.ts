/**
 * A backfill never delays a due sync: the built `seatsync-worker`, one replica with room for one sync and one
 * backfill at a time, against an embedded PostgreSQL and two simulated organisations. The first
 * organisation's last-active backfill is slow (60 users at 20 calls a minute: three minutes); the second
 * organisation's slot falls due while it runs, and its sync starts on time, in the sync job's own place.
 */
import { randomBytes } from "node:crypto"
import { describe, expect, layer } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Database, EmbeddedPostgres } from "@seatsync/store"
import { Effect, Redacted } from "effect"
import {
  connect,
  eventually,
  freshDatabase,
  type LogLine,
  organisationsFront,
  spawnWorker,
  workerEnv
} from "./support.js"

const encryptionKey = randomBytes(32).toString("base64")

const env = workerEnv(encryptionKey, {
  SEATSYNC_WORKER_CONCURRENCY: "1",
  SEATSYNC_BACKFILL_CONCURRENCY: "1",
  SEATSYNC_BACKFILL_BUDGET: "1000",
  SEATSYNC_LAST_ACTIVE_PER_MINUTE: "20",
  SEATSYNC_SCHEDULE_SPREAD: "0 seconds",
  SEATSYNC_POLL_INTERVAL: "500 millis",
  SEATSYNC_WORKER_PORT: "0"
})

/** A daily six-field cron (UTC) at the second `at` falls on. */
const dailyAt = (at: Date) => `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`

const about = (connection: string, message: string) => (line: LogLine) =>
  line.message === message && line.annotations.connection === connection

describe("a backfill never delays a due sync", () => {
  layer(Database.layerThrowaway, { timeout: 180_000, excludeTestServices: true })((it) => {
    it.scoped(
      "the second organisation's slot starts within moments while the first one's backfill runs",
      () =>
        Effect.gen(function* () {
          yield* freshDatabase
          const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
          const slow = yield* Simulator.start({ users: 60, seed: 11, apiKey: "slow-key" })
          const quick = yield* Simulator.start({ users: 5, seed: 12, apiKey: "quick-key" })
          expect(slow.orgId).not.toBe(quick.orgId)
          const first = new Date(Math.ceil((Date.now() + 12_000) / 1000) * 1000)
          const second = new Date(first.getTime() + 15_000)
          yield* connect("slow-org", {
            orgId: slow.orgId,
            apiKey: "slow-key",
            schedule: dailyAt(first),
            encryptionKey
          })
          yield* connect("quick-org", {
            orgId: quick.orgId,
            apiKey: "quick-key",
            schedule: dailyAt(second),
            encryptionKey
          })
          const adminBaseUrl = yield* organisationsFront([slow, quick])
          const worker = yield* spawnWorker(
            "backfill",
            [],
            env(Redacted.value(cluster.url), slow, { ATLASSIAN_ADMIN_BASE_URL: adminBaseUrl })
          )
          yield* eventually(
            "the quick organisation's sync to succeed",
            Effect.sync(() => worker.lines.some(about("quick-org", "sync succeeded"))),
            (done) => done,
            "90 seconds"
          )
          const lines = worker.lines
          const backfillStarted = lines.findIndex(about("slow-org", "backfill job started"))
          const quickStarted = lines.find(about("quick-org", "sync job started"))
          const quickSucceeded = lines.findIndex(about("quick-org", "sync succeeded"))
          const backfillDone = lines.findIndex(about("slow-org", "last-active backfill done"))
          // The slow backfill had started before the quick slot fell due, and was still running when it synced.
          expect(backfillStarted).toBeGreaterThanOrEqual(0)
          expect(backfillStarted).toBeLessThan(quickSucceeded)
          expect(backfillDone === -1 || backfillDone > quickSucceeded).toBe(true)
          // ...and the quick slot started on time: within 5 s of its due time.
          expect(quickStarted?.annotations.dueAt).toBe(second.toISOString())
          expect(Number(quickStarted?.annotations.lateMillis)).toBeLessThan(5000)
          worker.signal("SIGTERM")
          yield* worker.exited
        }),
      { timeout: 150_000 }
    )
  })
})

/**
 * The tick, the sync job handler and the orphan sweep against a real PostgreSQL (one throwaway cluster for
 * the file), real pg-boss in its schema and the simulator. Time for the scheduling decision comes from
 * `TestClock`; the handler runs on the live clock (HTTP, pacing), as in the worker.
 */
import { randomBytes } from "node:crypto"
import { FetchHttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Simulator, SiteHandlers } from "@seatsync/atlassian-simulator"
import {
  ApiKeyCipher,
  ConnectionId,
  ConnectionSecrets,
  Connections,
  Database,
  Locks,
  SyncRuns
} from "@seatsync/store"
import { ConnectionRunner } from "@seatsync/sync"
import {
  ConfigProvider,
  Duration,
  Effect,
  Exit,
  Layer,
  Option,
  Redacted,
  TestClock,
  TestServices
} from "effect"
import * as Boss from "../src/Boss.js"
import * as JobLiveness from "../src/JobLiveness.js"
import { sweepOrphans } from "../src/OrphanSweep.js"
import { BACKFILL_QUEUE, backfillJobId, createQueues, DEAD_LETTER_QUEUE, SYNC_QUEUE } from "../src/Queues.js"
import { handleSyncJob } from "../src/SyncJob.js"
import { tick } from "../src/Tick.js"
import { WorkerConfig } from "../src/WorkerConfig.js"

const encryptionKey = randomBytes(32).toString("base64")
const environment = (extra: ReadonlyArray<readonly [string, string]> = []) =>
  ConfigProvider.fromMap(
    new Map([
      ["SEATSYNC_ENCRYPTION_KEY", encryptionKey],
      ["SEATSYNC_RETRY_LIMIT", "0"],
      ["SEATSYNC_BACKFILL_BUDGET", "0"],
      ["SEATSYNC_SCHEDULE_SPREAD", "0 seconds"],
      ["SEATSYNC_ORPHAN_GRACE", "1 second"],
      ["SEATSYNC_REQUESTS_PER_SECOND", "1000"],
      ["SEATSYNC_REQUEST_BURST", "1000"],
      ...extra
    ])
  )

const TestLayer = Layer.mergeAll(
  Boss.layer({ schema: "seatsync_boss", cron: false, stopTimeout: Duration.seconds(2) }),
  JobLiveness.layer
).pipe(Layer.provideMerge(Database.layerThrowaway))

const readConfig = (
  simulator: Simulator.RunningSimulator,
  extra: ReadonlyArray<readonly [string, string]> = []
) =>
  WorkerConfig.pipe(
    Effect.withConfigProvider(environment([["ATLASSIAN_ADMIN_BASE_URL", simulator.adminBaseUrl], ...extra]))
  )

const connect = (name: string, orgId: string, apiKey: string, schedule = "0 2 * * *") =>
  Effect.gen(function* () {
    const key = yield* ApiKeyCipher.parseEncryptionKey(Redacted.make(encryptionKey))
    return yield* Connections.upsert({
      name,
      orgId,
      schedule,
      timeZone: "UTC",
      apiKeyCiphertext: ApiKeyCipher.encrypt(key, name, Redacted.make(apiKey))
    })
  })

/** Sets `TestClock` to `days` after today's real date, at `hour` UTC (the connection exists since today). */
const setDay = (days: number, hour: number) => {
  const today = new Date()
  return TestClock.setTime(
    Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days, hour, 0, 0)
  )
}

/** Claims the connection's waiting job, as a pg-boss poller would. */
const claim = (connection: string) =>
  Effect.gen(function* () {
    const boss = yield* Boss.Boss
    const job = yield* boss.fetch(SYNC_QUEUE)
    const claimed = Option.getOrThrowWith(job, () => new Error(`no job waiting for ${connection}`))
    expect((claimed.data as { connection?: string }).connection).toBe(connection)
    return claimed
  })

/** The handler as the worker runs it: with the connection runner of the worker's configuration. */
const handle = (config: WorkerConfig, job: Boss.Job) =>
  handleSyncJob(config, job).pipe(
    Effect.provide(ConnectionRunner.layer(config.runner).pipe(Layer.provide(FetchHttpClient.layer))),
    Effect.withConfigProvider(environment())
  )

/** Runs the handler as the worker does (live clock) and settles the job with pg-boss accordingly. */
const work = (config: WorkerConfig, job: Boss.Job) =>
  Effect.gen(function* () {
    const boss = yield* Boss.Boss
    const exit = yield* TestServices.provideLive(handle(config, job).pipe(Effect.exit))
    yield* Exit.isSuccess(exit)
      ? boss.complete(SYNC_QUEUE, job.id)
      : boss.fail(SYNC_QUEUE, job.id, { message: "failed" })
    return exit
  })

const runsOf = (connectionId: ConnectionId) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ readonly status: string; readonly slot: Date | null }>`
      SELECT status, slot FROM seatsync.sync_run WHERE connection_id = ${connectionId} ORDER BY id`
  )

/** Each test starts from no connections and no sync jobs (the cluster is shared by the file). */
const fresh = Effect.gen(function* () {
  yield* createQueues
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe("DELETE FROM seatsync.connection")
  yield* sql.unsafe("DELETE FROM seatsync_boss.job WHERE name IN ($1, $2, $3)", [
    SYNC_QUEUE,
    DEAD_LETTER_QUEUE,
    BACKFILL_QUEUE
  ])
})

const jobState = (jobId: string) =>
  Effect.flatMap(Boss.Boss, (boss) =>
    Effect.map(
      boss.getJobById(SYNC_QUEUE, jobId),
      Option.map((job) => job.state)
    )
  )

describe("the worker's jobs", () => {
  it.layer(TestLayer, { timeout: 120_000 })((it) => {
    it.scoped("a due slot is enqueued once, whatever ticks run, and never again once the ledger has it", () =>
      Effect.gen(function* () {
        yield* fresh
        const simulator = yield* Simulator.start({ users: 5 })
        const config = yield* readConfig(simulator)
        const acme = yield* connect("tick-acme", simulator.orgId, simulator.apiKey)

        yield* setDay(0, 23)
        expect(yield* tick(config)).toEqual([]) // today's 02:00 is older than the connection

        yield* setDay(1, 3)
        const first = yield* tick(config)
        const today = new Date()
        const slot = new Date(
          Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 2)
        )
        expect(first.map((due) => [due.connection, due.slot.toISOString(), due.enqueuedNow])).toEqual([
          ["tick-acme", slot.toISOString(), true]
        ])
        // A second tick (another replica, a repeated cron) finds the job waiting and adds nothing.
        expect(yield* tick(config)).toEqual([])

        const job = yield* claim("tick-acme")
        expect(Exit.isSuccess(yield* work(config, job))).toBe(true)
        expect((yield* runsOf(acme.id)).map((run) => [run.status, run.slot?.toISOString()])).toEqual([
          ["succeeded", slot.toISOString()]
        ])
        expect(yield* tick(config)).toEqual([])

        // pg-boss archives and finally deletes finished jobs; the ledger still says the slot was served.
        const sql = yield* SqlClient.SqlClient
        yield* sql.unsafe("DELETE FROM seatsync_boss.job WHERE id = $1", [job.id])
        expect(yield* tick(config)).toEqual([])

        // Three nights without a worker: one job, for the latest night.
        yield* setDay(4, 9)
        const after = yield* tick(config)
        expect(after.map((due) => due.slot.getTime())).toEqual([slot.getTime() + 3 * 86_400_000])
      })
    )

    it.scoped("a slot failing its final attempt counts once; the third in a row pauses the connection", () =>
      Effect.gen(function* () {
        yield* fresh
        const simulator = yield* Simulator.start({ users: 5 })
        const config = yield* readConfig(simulator, [["SEATSYNC_PAUSE_AFTER_FAILURES", "3"]])
        const revoked = yield* connect("pause-acme", simulator.orgId, "a-key-atlassian-rejects")
        for (const night of [1, 2, 3]) {
          yield* setDay(night, 4)
          const due = yield* tick(config)
          expect(due.map((slot) => slot.connection)).toEqual(["pause-acme"])
          const exit = yield* work(config, yield* claim("pause-acme"))
          expect(Exit.isFailure(exit)).toBe(true)
          const stored = Option.getOrThrow(yield* Connections.findById(revoked.id))
          expect(stored.consecutiveFailures).toBe(night)
          expect(stored.pausedAt === null).toBe(night < 3)
        }
        const paused = Option.getOrThrow(yield* Connections.findById(revoked.id))
        expect(paused.pausedReason).toContain("InvalidApiKey")
        expect((yield* runsOf(revoked.id)).map((run) => run.status)).toEqual(["failed", "failed", "failed"])

        yield* setDay(4, 4)
        expect(yield* tick(config)).toEqual([])
        yield* Connections.resume("pause-acme")
        expect((yield* tick(config)).map((slot) => slot.connection)).toEqual(["pause-acme"])
      })
    )

    it.scoped("a connection busy with another run (LockHeld) fails the attempt without counting it", () =>
      Effect.gen(function* () {
        yield* fresh
        const simulator = yield* Simulator.start({ users: 5 })
        const config = yield* readConfig(simulator)
        const busy = yield* connect("busy-acme", simulator.orgId, simulator.apiKey)
        yield* setDay(1, 5)
        yield* tick(config)
        const job = yield* claim("busy-acme")
        // The CLI holds the connection's lock while the worker's final attempt runs.
        const exit = yield* Locks.withConnectionLock(busy.id, work(config, job))
        expect(Exit.isFailure(exit)).toBe(true)
        expect(String(Exit.isFailure(exit) ? exit.cause : "")).toContain("LockHeld")
        const stored = Option.getOrThrow(yield* Connections.findById(busy.id))
        expect(stored.consecutiveFailures).toBe(0)
        expect(stored.pausedAt).toBeNull()
      })
    )

    it.scoped("a retried job whose slot already succeeded does not sync again", () =>
      Effect.gen(function* () {
        yield* fresh
        const simulator = yield* Simulator.start({ users: 5 })
        const config = yield* readConfig(simulator, [["SEATSYNC_BACKFILL_BUDGET", "3"]])
        const acme = yield* connect("retry-acme", simulator.orgId, simulator.apiKey)
        yield* setDay(1, 6)
        yield* tick(config)
        const job = yield* claim("retry-acme")
        const first = yield* TestServices.provideLive(handle(config, job))
        expect(first.outcome).toBe("synced")
        // The process died after the sync, before its job completed; pg-boss hands the job out again.
        const second = yield* TestServices.provideLive(
          handle(config, { ...job, retryCount: 1, retryLimit: 2 })
        )
        expect(second.outcome).toBe("already-synced")
        const scheduled = (yield* runsOf(acme.id)).filter((run) => run.slot !== null)
        expect(scheduled.map((run) => run.status)).toEqual(["succeeded"])
        // The slot's backfill is a job of its own on the backfill queue, enqueued once by both attempts.
        const boss = yield* Boss.Boss
        const slot = new Date((job.data as { slot: string }).slot)
        const backfill = Option.getOrThrow(
          yield* boss.getJobById(BACKFILL_QUEUE, backfillJobId(acme.id, slot))
        )
        expect(backfill.state).toBe("created")
        const sql = yield* SqlClient.SqlClient
        const count = yield* sql<{ readonly n: number }>`
          SELECT count(*)::int AS n FROM seatsync_boss.job WHERE name = ${BACKFILL_QUEUE}`
        expect(count[0]?.n).toBe(1)
      })
    )

    it.scoped(
      "the orphan sweep fails a job whose worker died, marks its run interrupted, spares live jobs",
      () =>
        Effect.gen(function* () {
          yield* fresh
          const simulator = yield* Simulator.start({ users: 5 })
          // Retries left: the swept job goes back to the queue rather than to the dead letters.
          const config = yield* readConfig(simulator, [["SEATSYNC_RETRY_LIMIT", "2"]])
          // Two organisations: connections of one organisation never run side by side.
          const other = yield* Simulator.start({ users: 5, seed: 4242 })
          const dead = yield* connect("dead-acme", simulator.orgId, simulator.apiKey)
          const alive = yield* connect("alive-acme", other.orgId, other.apiKey)
          yield* setDay(1, 7)
          const due = yield* tick(config)
          expect(due.map((slot) => slot.connection).sort()).toEqual(["alive-acme", "dead-acme"])
          const boss = yield* Boss.Boss
          const liveness = yield* JobLiveness.JobLiveness
          const claimed = [
            Option.getOrThrow(yield* boss.fetch(SYNC_QUEUE)),
            Option.getOrThrow(yield* boss.fetch(SYNC_QUEUE))
          ]
          const deadJob = claimed.find(
            (job) => (job.data as { connection: string }).connection === "dead-acme"
          )
          const aliveJob = claimed.find(
            (job) => (job.data as { connection: string }).connection === "alive-acme"
          )
          if (deadJob === undefined || aliveJob === undefined) throw new Error("both jobs should be claimed")
          // The dead worker had started a run; the live one holds its liveness lock.
          const slot = due[0]?.slot ?? new Date()
          const runId = yield* SyncRuns.start(ConnectionId.make(dead.id), "worker", slot)
          yield* liveness.hold(aliveJob.id)

          yield* TestServices.provideLive(Effect.sleep(Duration.millis(1500)))
          const swept = yield* TestServices.provideLive(sweepOrphans(config))
          expect(swept).toEqual([deadJob.id])
          expect(Option.map(yield* SyncRuns.findById(runId), (run) => run.status)).toEqual(
            Option.some("interrupted")
          )
          expect(yield* jobState(deadJob.id)).toEqual(Option.some("retry"))
          expect(yield* jobState(aliveJob.id)).toEqual(Option.some("active"))
          expect(Option.getOrThrow(yield* Connections.findById(alive.id)).consecutiveFailures).toBe(0)
        })
    )

    it.scoped("reads exact Jira seats with the connection's stored site credentials, as the CLI does", () =>
      Effect.gen(function* () {
        yield* fresh
        const simulator = yield* Simulator.start({ users: 5 })
        const config = yield* readConfig(simulator, [["SEATSYNC_UNSAFE_ANY_SITE_HOST", "true"]])
        const key = yield* ApiKeyCipher.parseEncryptionKey(Redacted.make(encryptionKey))
        const site = SiteHandlers.defaultSiteCredentials
        yield* Connections.upsert({
          name: "jira-acme",
          orgId: simulator.orgId,
          siteUrl: simulator.baseUrl,
          schedule: "0 2 * * *",
          apiKeyCiphertext: ConnectionSecrets.encryptApiKey(
            key,
            "jira-acme",
            Redacted.make(simulator.apiKey)
          ),
          jiraEmail: site.email,
          jiraTokenCiphertext: ConnectionSecrets.encryptJiraToken(
            key,
            "jira-acme",
            Redacted.make(site.apiToken)
          )
        })
        yield* setDay(1, 9)
        yield* tick(config)
        const exit = yield* work(config, yield* claim("jira-acme"))
        expect(Exit.isSuccess(exit)).toBe(true)
        expect((yield* simulator.requestCounts).getApplicationRoles ?? 0).toBeGreaterThan(0)
      })
    )

    it.scoped(
      "a killed final attempt counts as a failed slot and its job goes to the dead-letter queue",
      () =>
        Effect.gen(function* () {
          yield* fresh
          const simulator = yield* Simulator.start({ users: 5 })
          const config = yield* readConfig(simulator) // no retries: the first attempt is the final one
          const acme = yield* connect("last-acme", simulator.orgId, simulator.apiKey)
          yield* setDay(1, 8)
          yield* tick(config)
          const job = yield* claim("last-acme")
          yield* TestServices.provideLive(Effect.sleep(Duration.millis(1500)))
          expect(yield* TestServices.provideLive(sweepOrphans(config))).toEqual([job.id])
          expect(yield* jobState(job.id)).toEqual(Option.some("failed"))
          const sql = yield* SqlClient.SqlClient
          const dead = yield* sql<{ readonly slot: string }>`
          SELECT data->>'slot' AS slot FROM seatsync_boss.job WHERE name = ${DEAD_LETTER_QUEUE}`
          expect(dead.map((row) => row.slot)).toEqual([(job.data as { slot: string }).slot])
          const stored = Option.getOrThrow(yield* Connections.findById(acme.id))
          expect(stored.consecutiveFailures).toBe(1)
        })
    )
  })
})

/**
 * Several real `seatsync-worker` processes (the built binary) against one embedded PostgreSQL and the
 * simulator: every slot of every connection runs exactly once; a replica killed with SIGKILL mid-run has its
 * slot finished by another within the configured bound, its run recorded `interrupted`; SIGTERM drains and
 * exits 0. Connections run on a seconds cron (every 20 s) and the replicas tick every second.
 */
import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { Fault, Simulator } from "@seatsync/atlassian-simulator"
import { Database, EmbeddedPostgres } from "@seatsync/store"
import { Duration, Effect, Redacted } from "effect"
import { connect, eventually, freshDatabase, spawnWorker, type WorkerProcess, workerEnv } from "./support.js"

const encryptionKey = randomBytes(32).toString("base64")

/**
 * The SIGKILL bound as configured below: grace + check interval + first retry delay (≤ 2 × 1 s) + polling.
 * The grace must outlast a loaded machine's delay between pg-boss handing a job out and the handler taking
 * its liveness lock, or a live job is taken for an orphan (production default: 30 s).
 */
const orphanGrace = 5
const orphanCheck = 1
const retryDelay = 1
const pollInterval = 0.5
const takeoverBound = orphanGrace + orphanCheck + 2 * retryDelay + pollInterval
/** Headroom for a loaded two-core machine (process start, run start, clock granularity of the check). */
const loadSlack = 10

interface Run {
  readonly id: number
  readonly connection: string
  readonly status: string
  readonly slot: string | null
  readonly startedAt: Date
  readonly error: string | null
}

const runs = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql<Run>`
    SELECT r.id::int AS id, c.name AS connection, r.status, to_char(r.slot AT TIME ZONE 'UTC', 'HH24:MI:SS') AS slot,
           r.started_at AS "startedAt", r.error->>'_tag' AS error
    FROM seatsync.sync_run AS r JOIN seatsync.connection AS c ON c.id = r.connection_id
    ORDER BY r.id`
)

const replicaEnv = workerEnv(encryptionKey, {
  SEATSYNC_TICK_EVERY: "1 second",
  SEATSYNC_SCHEDULE_SPREAD: "2 seconds",
  SEATSYNC_POLL_INTERVAL: `${pollInterval * 1000} millis`,
  SEATSYNC_ORPHAN_CHECK_INTERVAL: `${orphanCheck} seconds`,
  SEATSYNC_ORPHAN_GRACE: `${orphanGrace} seconds`,
  SEATSYNC_RETRY_DELAY: `${retryDelay} second`,
  SEATSYNC_RETRY_LIMIT: "3",
  SEATSYNC_WORKER_CONCURRENCY: "2",
  SEATSYNC_WORKER_PORT: "0"
})

const secretsIn = (worker: WorkerProcess, secrets: ReadonlyArray<string>) =>
  secrets.filter((secret) => worker.output().includes(secret))

describe("seatsync-worker replicas", () => {
  layer(Database.layerThrowaway, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.scoped(
      "three replicas run every slot once; a SIGKILLed run is taken over in bound and recorded interrupted",
      () =>
        Effect.gen(function* () {
          yield* freshDatabase
          const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
          // Slow responses make a run last seconds, so that a replica can be killed in the middle of one.
          const simulator = yield* Simulator.start({ users: 30, latencyMillis: 60 })
          for (const name of ["alpha", "beta", "gamma"]) {
            yield* connect(name, {
              orgId: simulator.orgId,
              apiKey: simulator.apiKey,
              schedule: "*/20 * * * * *",
              encryptionKey
            })
          }
          const databaseUrl = Redacted.value(cluster.url)
          const workers: Array<WorkerProcess> = []
          for (const name of ["w1", "w2", "w3"]) {
            workers.push(yield* spawnWorker(name, [], replicaEnv(databaseUrl, simulator)))
          }

          // A run in progress, and the replica that runs it.
          const running = yield* eventually("a running scheduled run", runs, (all) =>
            all.some((run) => run.status === "running" && run.slot !== null)
          )
          const victimRun = running.find((run) => run.status === "running" && run.slot !== null)
          if (victimRun === undefined) throw new Error("unreachable")
          const victim = yield* eventually(
            "the worker that started it",
            Effect.sync(() =>
              workers.find((worker) =>
                worker.lines.some(
                  (line) =>
                    line.message === "sync job started" &&
                    line.annotations.connection === victimRun.connection &&
                    String(line.annotations.slot).slice(11, 19) === victimRun.slot
                )
              )
            ),
            (worker) => worker !== undefined,
            "10 seconds"
          )
          if (victim === undefined) throw new Error("unreachable")
          const killedAt = Date.now()
          victim.signal("SIGKILL")
          expect(yield* victim.exited).toBeNull()
          // The victim may have been running two jobs (concurrency 2): every run in progress at the kill.
          const runningAtKill = new Set(
            (yield* runs).filter((run) => run.status === "running").map((run) => run.id)
          )

          // Another replica takes the same slot over within the bound: a later run of it starts...
          const sameSlot = (run: Run) =>
            run.connection === victimRun.connection && run.slot === victimRun.slot
          const takenOver = yield* eventually(
            "another replica to start the killed slot again",
            runs,
            (all) => all.some((run) => sameSlot(run) && run.id > victimRun.id),
            `${takeoverBound + loadSlack + 5} seconds`
          )
          const retried = takenOver.find((run) => sameSlot(run) && run.id > victimRun.id)
          expect(retried).toBeDefined()
          const takeover = (retried?.startedAt.getTime() ?? Number.POSITIVE_INFINITY) - killedAt
          expect(takeover / 1000).toBeLessThan(takeoverBound + loadSlack)
          // ...and succeeds (how long the sync itself takes depends on the machine's load, not on the bound).
          const afterKill = yield* eventually(
            "the killed slot to succeed on another replica",
            runs,
            (all) => all.some((run) => sameSlot(run) && run.status === "succeeded"),
            "120 seconds"
          )
          expect(afterKill.find((run) => sameSlot(run) && run.status === "succeeded")?.id).toBe(retried?.id)
          const retriedId = retried?.id ?? Number.POSITIVE_INFINITY
          const killed = afterKill.find((run) => run.id === victimRun.id)
          expect(killed?.status).toBe("interrupted")
          expect(killed?.error).toBe("Abandoned")

          // Let every connection get two more slots done by the survivors (a 20-second cron; on a loaded
          // machine a sync can outlast its slot, and the slots it overlaps collapse into one).
          yield* eventually(
            "two more succeeded slots per connection",
            runs,
            (all) =>
              ["alpha", "beta", "gamma"].every(
                (name) =>
                  all.filter(
                    (run) =>
                      run.connection === name &&
                      run.slot !== null &&
                      run.status === "succeeded" &&
                      run.id > retriedId
                  ).length >= 2
              ),
            "180 seconds"
          )

          const survivors = workers.filter((worker) => worker !== victim)
          for (const worker of survivors) worker.signal("SIGTERM")
          for (const worker of survivors) expect(yield* worker.exited).toBe(0)

          const final = yield* runs
          expect(final.filter((run) => run.status === "running")).toEqual([])
          // Exactly one succeeded run per slot of every connection.
          const scheduled = final.filter((run) => run.slot !== null)
          const succeededBySlot = new Map<string, number>()
          for (const run of scheduled.filter((run) => run.status === "succeeded")) {
            const key = `${run.connection}@${run.slot}`
            succeededBySlot.set(key, (succeededBySlot.get(key) ?? 0) + 1)
          }
          expect([...succeededBySlot.values()].every((count) => count === 1)).toBe(true)
          const slotsWithRuns = new Set(scheduled.map((run) => `${run.connection}@${run.slot}`))
          expect(succeededBySlot.size).toBe(slotsWithRuns.size)
          // The only other outcome: the runs the SIGKILL cut short, marked interrupted (Abandoned) afterwards.
          const cutShort = scheduled.filter((run) => run.status !== "succeeded")
          expect(cutShort.map((run) => run.id)).toContain(victimRun.id)
          for (const run of cutShort) {
            expect(runningAtKill.has(run.id)).toBe(true)
            expect([run.status, run.error]).toEqual(["interrupted", "Abandoned"])
          }

          // One pg-boss job per slot, ever.
          const sql = yield* SqlClient.SqlClient
          const duplicates = yield* sql`
            SELECT singleton_key FROM seatsync_boss.job WHERE name = 'seatsync-sync'
            GROUP BY singleton_key HAVING count(*) > 1`
          expect(duplicates).toEqual([])

          const password = Redacted.value(cluster.password)
          for (const worker of workers) {
            expect(secretsIn(worker, [simulator.apiKey, encryptionKey, password])).toEqual([])
          }
        }),
      480_000
    )

    it.scoped(
      "SIGTERM drains: a run past the grace is interrupted and recorded, the job retried, and the process exits 0",
      () =>
        Effect.gen(function* () {
          yield* freshDatabase
          const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
          // Every response slow (a latency fault, lifted later): the run outlasts the one-second grace.
          const simulator = yield* Simulator.start({ users: 30, faults: [Fault.latency("*", 400)] })
          yield* connect("delta", {
            orgId: simulator.orgId,
            apiKey: simulator.apiKey,
            schedule: "*/5 * * * * *",
            encryptionKey
          })
          const databaseUrl = Redacted.value(cluster.url)
          const first = yield* spawnWorker(
            "w1",
            [],
            replicaEnv(databaseUrl, simulator, { SEATSYNC_SHUTDOWN_GRACE: "1 second" })
          )
          const running = yield* eventually("a running run", runs, (all) =>
            all.some((run) => run.status === "running" && run.slot !== null)
          )
          const inFlight = running.find((run) => run.status === "running")
          const stoppedAt = Date.now()
          first.signal("SIGTERM")
          expect(yield* first.exited).toBe(0)
          expect(Duration.millis(Date.now() - stoppedAt)).toSatisfy((elapsed: Duration.Duration) =>
            Duration.lessThan(elapsed, Duration.seconds(30))
          )
          const messages = first.lines.map((line) => line.message)
          expect(messages).toContain("draining: no new jobs are taken")
          expect(messages).toContain("shutdown grace elapsed: interrupting the jobs still running")
          const after = yield* runs
          const interrupted = after.find((run) => run.id === inFlight?.id)
          // Recorded by the process itself (no error), not later by a sweep (which would say Abandoned).
          expect(interrupted?.status).toBe("interrupted")
          expect(interrupted?.error).toBeNull()

          // Its job was failed, not lost: the next replica runs that slot to success.
          yield* simulator.setFaults([])
          const second = yield* spawnWorker("w2", [], replicaEnv(databaseUrl, simulator))
          yield* eventually(
            "the interrupted slot to succeed",
            runs,
            (all) => all.some((run) => run.slot === inFlight?.slot && run.status === "succeeded"),
            "90 seconds"
          )
          second.signal("SIGTERM")
          expect(yield* second.exited).toBe(0)
          expect((yield* runs).filter((run) => run.status === "running")).toEqual([])
        }),
      240_000
    )
  })
})

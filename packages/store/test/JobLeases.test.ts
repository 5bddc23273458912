import { SqlClient, type SqlConnection } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Effect, Exit, Schedule, Scope } from "effect"
import * as Database from "../src/Database.js"
import * as JobLeases from "../src/JobLeases.js"

/** The backend process id of a reserved session. */
const pidOf = (session: SqlConnection.Connection) =>
  Effect.map(
    session.execute("SELECT pg_backend_pid() AS pid", [], undefined),
    (rows) => (rows[0] as { readonly pid: number }).pid
  )

/** Ends a session from the server side, as a crash or a failover would, and waits until it is gone. */
const terminate = (pid: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`SELECT pg_terminate_backend(${pid})`
    yield* sql<{
      readonly n: number
    }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${pid}`.pipe(
      Effect.repeat({ until: (rows) => rows[0]?.n === 0, schedule: Schedule.spaced("50 millis") }),
      Effect.timeout("30 seconds")
    )
  })

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("JobLeases", (it) => {
  it.scoped("a lease held on one session is seen as held from every other", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const owner = yield* sql.reserve
      const other = yield* sql.reserve
      expect(yield* JobLeases.hold(owner, "job-seen")).toBe(true)

      expect(yield* JobLeases.take(other, "job-seen")).toBe(false)
      expect(yield* JobLeases.holders("job-seen")).toEqual([yield* pidOf(owner)])
      expect(yield* JobLeases.holders("job-never-taken")).toEqual([])
    })
  )

  it.scoped("a held lease is released on its session when the scope closes", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const owner = yield* sql.reserve
      const other = yield* sql.reserve
      const job = yield* Scope.make()
      expect(yield* JobLeases.hold(owner, "job-done").pipe(Scope.extend(job))).toBe(true)
      yield* Scope.close(job, Exit.void)

      expect(yield* JobLeases.holders("job-done")).toEqual([])
      expect(yield* JobLeases.take(other, "job-done")).toBe(true)
      expect(yield* JobLeases.release(other, "job-done")).toBe(true)
      // Releasing what the session does not hold changes nothing and says so.
      expect(yield* JobLeases.release(other, "job-done")).toBe(false)
    })
  )

  it.scoped("a lease that was not taken is not released by its scope", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const owner = yield* sql.reserve
      const other = yield* sql.reserve
      expect(yield* JobLeases.take(owner, "job-contended")).toBe(true)
      expect(yield* Effect.scoped(JobLeases.hold(other, "job-contended"))).toBe(false)
      expect(yield* JobLeases.holders("job-contended")).toEqual([yield* pidOf(owner)])
      expect(yield* JobLeases.release(owner, "job-contended")).toBe(true)
    })
  )

  it.scoped("a lease dies with its session, and the probe tells a dead session from a live one", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const doomed = yield* sql.reserve
      const live = yield* sql.reserve
      expect(yield* JobLeases.take(doomed, "job-killed")).toBe(true)
      yield* JobLeases.probe(doomed)

      yield* terminate(yield* pidOf(doomed))

      expect(yield* JobLeases.holders("job-killed")).toEqual([])
      expect(Exit.isFailure(yield* Effect.exit(JobLeases.probe(doomed)))).toBe(true)
      yield* JobLeases.probe(live)
      expect(yield* JobLeases.take(live, "job-killed")).toBe(true)
      expect(yield* JobLeases.release(live, "job-killed")).toBe(true)
    })
  )

  it.scoped("one session at a time holds the sweep lock", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const first = yield* sql.reserve
      const second = yield* sql.reserve
      expect(yield* JobLeases.takeSweepLock(first)).toBe(true)
      expect(yield* JobLeases.takeSweepLock(second)).toBe(false)
      // The sweep lock and the job leases are different locks.
      expect(yield* JobLeases.take(second, "0")).toBe(true)
      expect(yield* JobLeases.release(second, "0")).toBe(true)

      expect(yield* JobLeases.releaseSweepLock(first)).toBe(true)
      expect(yield* JobLeases.takeSweepLock(second)).toBe(true)
      expect(yield* JobLeases.releaseSweepLock(second)).toBe(true)
    })
  )
})

/**
 * The liveness locks survive the loss of their database session (a restart, a failover, a terminated
 * backend): the next use reserves a new session and takes the running jobs' locks again on it.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { Database, JobLeases } from "@seatsync/store"
import { Effect, Exit, Layer, Schedule, Scope } from "effect"
import * as JobLiveness from "../src/JobLiveness.js"

const terminate = (pid: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`SELECT pg_terminate_backend(${pid})`
    // Gone from the server before the test goes on.
    yield* sql<{
      readonly n: number
    }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${pid}`.pipe(
      Effect.repeat({ until: (rows) => rows[0]?.n === 0, schedule: Schedule.spaced("50 millis") }),
      Effect.timeout("30 seconds")
    )
  })

describe("JobLiveness", () => {
  layer(JobLiveness.layer.pipe(Layer.provideMerge(Database.layerThrowaway)), {
    timeout: 120_000,
    excludeTestServices: true
  })((it) => {
    it.scoped("reconnects after its session is terminated and takes the held jobs' locks again", () =>
      Effect.gen(function* () {
        const liveness = yield* JobLiveness.JobLiveness
        const jobA = yield* Scope.make()
        yield* Scope.extend(liveness.hold("job-a"), jobA)
        const [before] = yield* JobLeases.holders("job-a")
        expect(before).toBeTypeOf("number")

        yield* terminate(before ?? -1)
        expect(yield* JobLeases.holders("job-a")).toEqual([])

        // The next sweep finds the session dead, replaces it, and sweeps.
        expect(yield* liveness.exclusively(Effect.succeed("swept"))).toBe("swept")
        const after = yield* JobLeases.holders("job-a")
        expect(after).toHaveLength(1)
        expect(after[0]).not.toBe(before)

        // New jobs hold their locks on the new session; a finished job's lock is released there.
        yield* Effect.scoped(
          Effect.gen(function* () {
            yield* liveness.hold("job-b")
            expect(yield* JobLeases.holders("job-b")).toEqual(after)
          })
        )
        expect(yield* JobLeases.holders("job-b")).toEqual([])
        yield* Scope.close(jobA, Exit.void)
        expect(yield* JobLeases.holders("job-a")).toEqual([])
      })
    )

    it.scoped("a job started after the loss takes its lock on a new session", () =>
      Effect.gen(function* () {
        const liveness = yield* JobLiveness.JobLiveness
        // Find the session through a lock of its own, then lose it.
        const probe = yield* Scope.make()
        yield* Scope.extend(liveness.hold("probe"), probe)
        const [session] = yield* JobLeases.holders("probe")
        yield* Scope.close(probe, Exit.void)
        yield* terminate(session ?? -1)

        yield* liveness.hold("job-c")
        const holders = yield* JobLeases.holders("job-c")
        expect(holders).toHaveLength(1)
        expect(holders[0]).not.toBe(session)
      })
    )
  })
})

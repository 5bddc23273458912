/**
 * The readings against pg-boss 10's `job` table, here the columns they read (with pg-boss's names, types and
 * state enum) in a schema of the test's own; the worker's `Jobs.test.ts` runs them against real pg-boss.
 */
import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Scope } from "effect"
import * as Database from "../src/Database.js"
import * as JobLeases from "../src/JobLeases.js"
import * as JobQueueReadings from "../src/JobQueueReadings.js"

const schema = "boss_readings"
const queue = "sync"
const where = { schema, queue }

const createJobTable = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql.unsafe(`
    CREATE SCHEMA ${schema};
    CREATE TYPE ${schema}.job_state AS ENUM ('created', 'retry', 'active', 'completed', 'cancelled', 'failed');
    CREATE TABLE ${schema}.job (
      id uuid not null default gen_random_uuid() PRIMARY KEY,
      name text not null,
      data jsonb,
      state ${schema}.job_state not null default('created'),
      retry_limit integer not null default(2),
      retry_count integer not null default(0),
      started_on timestamp with time zone
    )`)
)

interface JobRow {
  readonly name?: string
  readonly connectionId?: number
  readonly state: "created" | "retry" | "active" | "completed" | "cancelled" | "failed"
  /** How long ago the job became active. */
  readonly startedSecondsAgo?: number
}

/** Inserts a job; returns its id. */
const insertJob = (job: JobRow) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ readonly id: string }>`
      INSERT INTO ${sql(schema)}.job (name, data, state, retry_count, started_on)
      VALUES (
        ${job.name ?? queue},
        ${JSON.stringify({ connectionId: job.connectionId ?? 1 })}::jsonb,
        ${job.state}::${sql(schema)}.job_state,
        1,
        CASE WHEN ${job.startedSecondsAgo ?? null}::float8 IS NULL THEN NULL
             ELSE now() - make_interval(secs => ${job.startedSecondsAgo ?? null}::float8) END
      )
      RETURNING id::text AS id`.pipe(Effect.map((rows) => rows[0]?.id ?? ""))
  )

const clearJobs = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`DELETE FROM ${sql(schema)}.job`)

const TestLayer = Layer.effectDiscard(createJobTable).pipe(Layer.provideMerge(Database.layerThrowaway))

it.layer(TestLayer, { timeout: "120 seconds" })("JobQueueReadings", (it) => {
  it.effect("pending connections: those with a job of the queue waiting, retrying or running", () =>
    Effect.gen(function* () {
      yield* clearJobs
      yield* insertJob({ connectionId: 1, state: "created" })
      yield* insertJob({ connectionId: 1, state: "active", startedSecondsAgo: 5 })
      yield* insertJob({ connectionId: 2, state: "retry" })
      yield* insertJob({ connectionId: 3, state: "active", startedSecondsAgo: 5 })
      yield* insertJob({ connectionId: 4, state: "completed" })
      yield* insertJob({ connectionId: 5, state: "failed" })
      yield* insertJob({ connectionId: 6, state: "cancelled" })
      yield* insertJob({ connectionId: 7, state: "created", name: "another-queue" })

      const pending = yield* JobQueueReadings.pendingConnections(where)
      expect([...pending].sort()).toEqual([1, 2, 3])
    })
  )

  it.scoped("orphaned jobs: active past the grace, and nobody holds their lease", () =>
    Effect.gen(function* () {
      yield* clearJobs
      const sql = yield* SqlClient.SqlClient
      const worker = yield* sql.reserve
      const orphan = yield* insertJob({ connectionId: 1, state: "active", startedSecondsAgo: 120 })
      const olderOrphan = yield* insertJob({ connectionId: 2, state: "active", startedSecondsAgo: 600 })
      const alive = yield* insertJob({ connectionId: 3, state: "active", startedSecondsAgo: 120 })
      yield* insertJob({ connectionId: 4, state: "active", startedSecondsAgo: 5 })
      yield* insertJob({ connectionId: 5, state: "created" })
      yield* insertJob({ connectionId: 6, state: "completed", startedSecondsAgo: 600 })
      yield* insertJob({ connectionId: 7, state: "active", startedSecondsAgo: 600, name: "another-queue" })
      const aliveJob = yield* Scope.make()
      expect(yield* JobLeases.hold(worker, alive).pipe(Scope.extend(aliveJob))).toBe(true)

      const found = yield* JobQueueReadings.orphanedJobs(where, "30 seconds")
      expect(found.map((job) => job.id)).toEqual([olderOrphan, orphan])
      expect(found[1]).toMatchObject({ id: orphan, data: { connectionId: 1 }, retryCount: 1, retryLimit: 2 })
      expect(found[1]?.startedOn).toBeInstanceOf(Date)

      // Its lease released (its worker died), the live job is orphaned too.
      yield* Scope.close(aliveJob, Exit.void)
      const after = yield* JobQueueReadings.orphanedJobs(where, "30 seconds")
      expect(after.map((job) => job.id)).toEqual([olderOrphan, orphan, alive])
    })
  )

  it.effect("a schema name that is not a lower-case SQL identifier is refused before any statement", () =>
    Effect.gen(function* () {
      for (const schema of ["boss; DROP TABLE seatsync.connection", "Boss", "1boss", "", "boss.job"]) {
        const pending = yield* Effect.exit(JobQueueReadings.pendingConnections({ schema, queue }))
        expect(pending).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "ParseError" } } })
        const orphans = yield* Effect.exit(JobQueueReadings.orphanedJobs({ schema, queue }, "1 second"))
        expect(orphans).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "ParseError" } } })
      }
      const sql = yield* SqlClient.SqlClient
      const [table] = yield* sql<{
        readonly name: string | null
      }>`SELECT to_regclass('seatsync.connection')::text AS name`
      expect(table?.name).toBe("seatsync.connection")
    })
  )
})

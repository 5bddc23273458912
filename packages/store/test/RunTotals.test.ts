import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Connections from "../src/Connections.js"
import * as Database from "../src/Database.js"
import type { RunId } from "../src/Ids.js"
import * as Reports from "../src/Reports.js"
import * as RunTotals from "../src/RunTotals.js"
import * as SyncRuns from "../src/SyncRuns.js"
import { makeConnection } from "./fixtures.js"

const buckets = [5, 15, 60]

const stats = (apiCalls: number, users: number): SyncRuns.RunStats => ({
  entityCounts: { org_user: users, org_group: 2 },
  apiCalls,
  retries: 1,
  rateLimited: 2,
  sleptMs: 1500
})

/** Pins a finished run's duration, so that the histogram buckets are exact. */
const lasting = (runId: RunId, seconds: number) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql`
      UPDATE seatsync.sync_run SET finished_at = started_at + make_interval(secs => ${seconds})
      WHERE id = ${runId}`
  )

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("RunTotals", (it) => {
  it.effect(
    "sums the run ledger per connection and status: cost, durations as cumulative buckets, records per entity",
    () =>
      Effect.gen(function* () {
        const acme = yield* makeConnection("acme")
        const globex = yield* makeConnection("globex")
        const quiet = yield* makeConnection("quiet")
        for (const [seconds, users] of [
          [10, 10],
          [60, 12]
        ] as const) {
          const runId = yield* SyncRuns.start(acme.id, "worker")
          yield* SyncRuns.succeed(runId, stats(20, users))
          yield* lasting(runId, seconds)
        }
        const failed = yield* SyncRuns.start(acme.id, "worker")
        yield* SyncRuns.fail(failed, new Error("Atlassian answered 500"), stats(3, 0))
        yield* lasting(failed, 2.5)
        yield* SyncRuns.start(globex.id, "cli")

        const ours = new Set([acme.name, globex.name, quiet.name])
        const totals = (yield* RunTotals.byConnectionAndStatus(buckets)).filter((row) =>
          ours.has(row.connectionName)
        )
        expect(totals).toEqual([
          {
            connectionId: acme.id,
            connectionName: acme.name,
            status: "failed",
            runs: 1,
            apiCalls: 3,
            retries: 1,
            rateLimited: 2,
            sleptSeconds: 1.5,
            finished: 1,
            durationSeconds: 2.5,
            durationBucketCounts: [1, 1, 1],
            records: { org_user: 0, org_group: 2 }
          },
          {
            connectionId: acme.id,
            connectionName: acme.name,
            status: "succeeded",
            runs: 2,
            apiCalls: 40,
            retries: 2,
            rateLimited: 4,
            sleptSeconds: 3,
            finished: 2,
            durationSeconds: 70,
            // 10 s and 60 s: neither within 5 s, one within 15 s, both within 60 s (a bound is inclusive).
            durationBucketCounts: [0, 1, 2],
            records: { org_user: 22, org_group: 4 }
          },
          {
            connectionId: globex.id,
            connectionName: globex.name,
            status: "running",
            runs: 1,
            apiCalls: 0,
            retries: 0,
            rateLimited: 0,
            sleptSeconds: 0,
            finished: 0,
            durationSeconds: 0,
            durationBucketCounts: [],
            records: {}
          }
        ])
      })
  )

  it.effect("reports the last success to the microsecond, and null before any success", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const connection = yield* makeConnection("health")
      const never = yield* makeConnection("never")
      const runId = yield* SyncRuns.start(connection.id, "worker")
      yield* SyncRuns.succeed(runId, stats(1, 1))
      yield* sql`UPDATE seatsync.sync_run SET finished_at = '2026-11-28T12:00:00.123456Z' WHERE id = ${runId}`
      yield* Connections.recordFailure(never.id, { reason: "the API key was rejected", pauseAfter: 1 })

      const [health] = yield* Reports.connectionHealth(connection.id)
      expect(health?.lastSuccessEpochSeconds).toBe(Date.parse("2026-11-28T12:00:00.123Z") / 1000 + 0.000456)
      expect(health?.lastSuccessAt?.toISOString()).toBe("2026-11-28T12:00:00.123Z")
      const [neverHealth] = yield* Reports.connectionHealth(never.id)
      expect(neverHealth).toMatchObject({
        pausedReason: "the API key was rejected",
        consecutiveFailures: 1,
        lastSuccessAt: null,
        lastSuccessEpochSeconds: null
      })
    })
  )
})

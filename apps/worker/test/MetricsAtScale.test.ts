/**
 * `/metrics` for a fleet: 1,000 connections in the store, each with a succeeded and a failed run in the
 * ledger and a few paused, read through the store (`RunTotals`, `Reports.connectionHealth`) as a scrape
 * reads them. By default a scrape holds fleet aggregates and only the connections an operator must act on,
 * and stays under 100 kB; `SEATSYNC_METRICS_PER_CONNECTION` brings back every family per connection.
 */
import { describe, expect, it } from "@effect/vitest"
import { Connections, Database, SyncRuns } from "@seatsync/store"
import { Effect, Layer } from "effect"
import * as Metrics from "../src/ops/Metrics.js"
import * as Lifecycle from "../src/ops/WorkerLifecycle.js"

const fleetSize = 1000
const paused = 10

/** A UUID-shaped organisation id per connection; connections 1 and 2 share one. */
const orgIdOf = (i: number) => `00000000-0000-4000-8000-${String(i === 2 ? 1 : i).padStart(12, "0")}`

const stats = (apiCalls: number) => ({
  entityCounts: { org_user: 30, org_group: 4 },
  apiCalls,
  retries: 0,
  rateLimited: 0,
  sleptMs: 0
})

const fleet = Effect.forEach(
  Array.from({ length: fleetSize }, (_, i) => i + 1),
  (i) =>
    Effect.gen(function* () {
      const connection = yield* Connections.upsert({
        name: `customer-${String(i).padStart(4, "0")}`,
        orgId: orgIdOf(i)
      })
      const ok = yield* SyncRuns.start(connection.id, "worker", new Date("2026-11-28T02:00:00Z"))
      yield* SyncRuns.succeed(ok, stats(12))
      const failed = yield* SyncRuns.start(connection.id, "worker", new Date("2026-11-29T02:00:00Z"))
      yield* SyncRuns.fail(failed, { _tag: "Timeout", message: "timed out" }, stats(3))
      if (i <= paused) {
        yield* Connections.recordFailure(connection.id, { reason: "InvalidApiKey: rejected", pauseAfter: 1 })
      }
    }),
  { concurrency: 6, discard: true }
)

describe("/metrics at 1,000 connections", () => {
  it.layer(Layer.merge(Database.layerThrowaway, Lifecycle.layer), { timeout: 300_000 })((it) => {
    it.effect(
      "a scrape is under 100 kB by default, with fleet totals and only the paused connections named",
      () =>
        Effect.gen(function* () {
          yield* fleet
          const snapshot = yield* Metrics.collect
          expect(snapshot.connections).toHaveLength(fleetSize)

          const scrape = Metrics.render(snapshot)
          const bytes = Buffer.byteLength(scrape, "utf8")
          expect(bytes).toBeLessThan(100_000)
          const lines = scrape.split("\n")
          expect(lines).toEqual(
            expect.arrayContaining([
              "seatsync_connections 1000",
              `seatsync_connections_paused ${paused}`,
              `seatsync_connections_failing ${paused}`,
              "seatsync_connections_sharing_organisation 2",
              'seatsync_sync_runs_total{status="succeeded"} 1000',
              'seatsync_sync_runs_total{status="failed"} 1000',
              "seatsync_api_calls_total 15000",
              'seatsync_records_total{entity="org_user"} 60000'
            ])
          )
          // Only the paused connections are named (paused, its reason, its failure streak).
          const named = lines.filter((line) => line.includes('connection="'))
          expect(named).toHaveLength(3 * paused)
          expect(named).toContain('seatsync_connection_paused{connection="customer-0001"} 1')

          // Every family per connection, as before the setting: some 60 lines per connection, far over 100 kB.
          const full = Metrics.render(snapshot, { perConnection: true })
          expect(Buffer.byteLength(full, "utf8")).toBeGreaterThan(1_000_000)
          expect(full).toContain('seatsync_api_calls_total{connection="customer-0500"} 15')
          process.stdout.write(
            `metrics at ${fleetSize} connections: ${bytes} bytes, ${lines.length} lines by default; ${Buffer.byteLength(full, "utf8")} bytes with SEATSYNC_METRICS_PER_CONNECTION\n`
          )
        })
    )
  })
})

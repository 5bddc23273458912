import { FetchHttpClient, HttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Connections, Database, SyncRuns } from "@seatsync/store"
import { Duration, Effect, Layer, Option } from "effect"
import { layerWith, OpsServer } from "../src/ops/OpsServer.js"
import * as WorkerLifecycle from "../src/ops/WorkerLifecycle.js"

/** One GET against the running server; a server that hangs fails the test instead of stalling it. */
const get = (path: string) =>
  Effect.gen(function* () {
    const server = yield* OpsServer
    const client = yield* HttpClient.HttpClient
    const response = yield* client.get(`${server.url}${path}`)
    return {
      status: response.status,
      contentType: response.headers["content-type"],
      body: yield* response.text
    }
  }).pipe(Effect.scoped, Effect.timeout("10 seconds"), Effect.provide(FetchHttpClient.layer))

// Every series per connection (SEATSYNC_METRICS_PER_CONNECTION): this test reads them by connection.
const server = layerWith({ port: 0, checkTimeout: Duration.seconds(2), metricsPerConnection: true }).pipe(
  Layer.provideMerge(WorkerLifecycle.layer)
)

const stats = (apiCalls: number, users: number): SyncRuns.RunStats => ({
  entityCounts: { org_user: users, org_group: 2 },
  apiCalls,
  retries: 1,
  rateLimited: 2,
  sleptMs: 1500
})

/** acme: two runs succeeded, one failed; globex: paused after failing; initech: one run in progress. */
const seed = Effect.gen(function* () {
  const acme = yield* Connections.upsert({ name: "acme", orgId: "org-acme" })
  for (const users of [10, 12]) {
    yield* SyncRuns.succeed(yield* SyncRuns.start(acme.id, "worker"), stats(20, users))
  }
  yield* SyncRuns.fail(
    yield* SyncRuns.start(acme.id, "worker"),
    new Error("Atlassian answered 500"),
    stats(3, 0)
  )
  const globex = yield* Connections.upsert({ name: "globex", orgId: "org-globex" })
  yield* SyncRuns.fail(yield* SyncRuns.start(globex.id, "worker"), new Error("key revoked"), stats(1, 0))
  yield* Connections.recordFailure(globex.id, {
    reason: 'InvalidApiKey: "key revoked"\nrotate it',
    pauseAfter: 1
  })
  const initech = yield* Connections.upsert({ name: "initech", orgId: "org-initech" })
  yield* SyncRuns.start(initech.id, "cli")
  const lastAcmeSuccess = (yield* SyncRuns.listRecent(acme.id)).find((run) => run.status === "succeeded")
  return Option.fromNullable(lastAcmeSuccess?.finishedAt).pipe(Option.getOrThrow)
})

const sample = (body: string, series: string): number | undefined => {
  const line = body.split("\n").find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

// Live services: the server's timeouts and the client's run on the real clock.
layer(Database.layerThrowaway, { timeout: "120 seconds", excludeTestServices: true })("OpsServer", (it) => {
  it.effect(
    "answers /healthz, /readyz and /metrics from the database, and 404 elsewhere; draining turns /readyz 503",
    () =>
      Effect.gen(function* () {
        const lastAcmeSuccess = yield* seed
        const lifecycle = yield* WorkerLifecycle.WorkerLifecycle
        expect((yield* OpsServer).port).toBeGreaterThan(0)

        expect(yield* get("/healthz")).toMatchObject({ status: 200, body: "ok\n" })
        expect(yield* get("/readyz")).toMatchObject({ status: 200, body: "ok\n" })
        expect(yield* get("/nowhere")).toMatchObject({ status: 404 })

        yield* lifecycle.onJobStart
        const metrics = yield* get("/metrics")
        expect(metrics.status).toBe(200)
        expect(metrics.contentType).toBe("text/plain; version=0.0.4; charset=utf-8")
        const body = metrics.body
        expect(body.split("\n")).toEqual(
          expect.arrayContaining([
            'seatsync_sync_runs_total{connection="acme",status="succeeded"} 2',
            'seatsync_sync_runs_total{connection="acme",status="failed"} 1',
            'seatsync_sync_runs_total{connection="acme",status="interrupted"} 0',
            'seatsync_sync_runs_total{connection="globex",status="failed"} 1',
            'seatsync_sync_runs_total{connection="initech",status="succeeded"} 0',
            'seatsync_sync_runs_running{connection="initech"} 1',
            'seatsync_sync_runs_running{connection="acme"} 0',
            'seatsync_sync_run_duration_seconds_count{connection="acme",status="succeeded"} 2',
            'seatsync_sync_run_duration_seconds_bucket{connection="acme",status="succeeded",le="5"} 2',
            'seatsync_sync_run_duration_seconds_bucket{connection="acme",status="succeeded",le="+Inf"} 2',
            'seatsync_records_total{connection="acme",entity="org_user"} 22',
            'seatsync_records_total{connection="acme",entity="org_group"} 6',
            'seatsync_api_calls_total{connection="acme"} 43',
            'seatsync_api_rate_limited_total{connection="acme"} 6',
            'seatsync_api_retries_total{connection="acme"} 3',
            'seatsync_api_slept_seconds_total{connection="acme"} 4.5',
            'seatsync_connection_paused{connection="acme"} 0',
            'seatsync_connection_paused{connection="globex"} 1',
            'seatsync_connection_paused_info{connection="globex",reason="InvalidApiKey: \\"key revoked\\"\\nrotate it"} 1',
            'seatsync_connection_consecutive_failures{connection="globex"} 1',
            'seatsync_last_success_timestamp_seconds{connection="globex"} 0',
            "seatsync_worker_jobs_in_flight 1",
            "seatsync_worker_draining 0"
          ])
        )
        const lastSuccess = sample(body, 'seatsync_last_success_timestamp_seconds{connection="acme"}')
        // The database keeps microseconds, a Date milliseconds.
        expect(Math.abs((lastSuccess ?? 0) - lastAcmeSuccess.getTime() / 1000)).toBeLessThan(0.001)
        expect(sample(body, "seatsync_worker_start_time_seconds")).toBe(lifecycle.startedAt.getTime() / 1000)

        yield* lifecycle.onDraining
        expect(yield* get("/readyz")).toMatchObject({
          status: 503,
          body: "not ready: the worker is shutting down and takes no new work\n"
        })
        expect(yield* get("/healthz")).toMatchObject({ status: 200 })
        const draining = yield* get("/metrics")
        expect(draining.status).toBe(200)
        expect(draining.body.split("\n")).toContain("seatsync_worker_draining 1")
      }).pipe(Effect.provide(server))
  )

  it.effect("reports pending migrations as not ready, naming them and the fix", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`DELETE FROM seatsync.schema_migrations WHERE migration_id = 3`
      const pending = yield* get("/readyz").pipe(
        Effect.ensuring(
          Effect.orDie(
            sql`INSERT INTO seatsync.schema_migrations (migration_id, name) VALUES (3, 'operations')`
          )
        )
      )
      expect(pending).toMatchObject({
        status: 503,
        body: "not ready: migrations pending (0003_operations): run `seatsync migrate` or restart the worker, which applies them\n"
      })
      expect(yield* get("/readyz")).toMatchObject({ status: 200 })
    }).pipe(Effect.provide(server))
  )

  it.effect("fails to start with a clear error when the port is taken", () =>
    Effect.gen(function* () {
      const taken = (yield* OpsServer).port
      const error = yield* Layer.build(layerWith({ port: taken, checkTimeout: Duration.seconds(2) })).pipe(
        Effect.scoped,
        Effect.flip
      )
      expect(error._tag).toBe("OpsServerUnavailable")
      expect(error.message).toBe(
        `The operations server cannot listen on port ${taken} (EADDRINUSE): set SEATSYNC_WORKER_PORT to a free port, or 0 for any`
      )
    }).pipe(Effect.provide(server))
  )
})

import { FetchHttpClient, HttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Database, EmbeddedPostgres } from "@seatsync/store"
import { Context, Duration, Effect, Layer, Redacted, Schedule } from "effect"
import { layerWith, OpsServer } from "../src/ops/OpsServer.js"
import * as WorkerLifecycle from "../src/ops/WorkerLifecycle.js"

const checkTimeout = Duration.seconds(2)

/** One GET; the client gives up well after the server's check timeout, so a hanging endpoint fails the test. */
const get = (url: string) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.get(url)
    return { status: response.status, body: yield* response.text }
  }).pipe(
    Effect.scoped,
    Effect.timeoutFail({
      duration: Duration.times(checkTimeout, 4),
      onTimeout: () => new Error(`GET ${url} did not answer within 4 check timeouts`)
    }),
    Effect.provide(FetchHttpClient.layer)
  )

const isAlive = (pid: number) =>
  Effect.sync(() => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  })

it.scopedLive(
  "answers 503 within the timeout while the database hangs, recovers with it, and answers 503 once it is gone",
  () =>
    Effect.gen(function* () {
      const database = yield* Layer.build(Database.layerThrowaway)
      const cluster = Context.get(database, EmbeddedPostgres.EmbeddedPostgres)
      const sql = Context.get(database, SqlClient.SqlClient)
      const services = yield* Layer.build(
        layerWith({ port: 0, checkTimeout }).pipe(
          Layer.provideMerge(WorkerLifecycle.layer),
          Layer.provide(Layer.succeedContext(database))
        )
      )
      const { url } = Context.get(services, OpsServer)
      const secrets = [Redacted.value(cluster.password), Redacted.value(cluster.url)]
      const expectNoSecret = (body: string) => {
        for (const secret of secrets) expect(body).not.toContain(secret)
      }

      expect(yield* get(`${url}/readyz`)).toEqual({ status: 200, body: "ok\n" })

      // A hung server: the postmaster and every client backend stopped, so neither a pooled connection nor a
      // new one answers.
      const backends = yield* sql<{ readonly pid: number }>`
        SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'`
      const pids = [cluster.pid, ...backends.map((backend) => backend.pid)]
      const signalAll = (signal: NodeJS.Signals) =>
        Effect.sync(() => {
          for (const pid of pids) process.kill(pid, signal)
        })
      const whileHung = yield* Effect.acquireUseRelease(
        signalAll("SIGSTOP"),
        () => Effect.all([get(`${url}/readyz`), get(`${url}/metrics`), get(`${url}/healthz`)]),
        () => signalAll("SIGCONT")
      )
      expect(whileHung).toEqual([
        { status: 503, body: "not ready: the database did not answer within 2 s\n" },
        { status: 503, body: "metrics unavailable: the database did not answer within 2 s\n" },
        { status: 200, body: "ok\n" }
      ])

      expect(yield* get(`${url}/readyz`)).toEqual({ status: 200, body: "ok\n" })

      // A server gone: fast shutdown, then connections are refused.
      yield* Effect.sync(() => process.kill(cluster.pid, "SIGINT"))
      yield* isAlive(cluster.pid).pipe(
        Effect.repeat({ while: (alive) => alive, schedule: Schedule.spaced("50 millis") }),
        Effect.timeout("30 seconds")
      )
      const [ready, metrics, healthz] = yield* Effect.all([
        get(`${url}/readyz`),
        get(`${url}/metrics`),
        get(`${url}/healthz`)
      ])
      expect(ready.status).toBe(503)
      expect(ready.body).toMatch(
        /^not ready: the database is unreachable \(the query failed(: [A-Z0-9_, ]+)?\)\n$/
      )
      expect(metrics.status).toBe(503)
      expect(metrics.body).toMatch(
        /^metrics unavailable: the database is unreachable \(the query failed(: [A-Z0-9_, ]+)?\)\n$/
      )
      expect(healthz).toEqual({ status: 200, body: "ok\n" })
      for (const body of [ready.body, metrics.body]) expectNoSecret(body)
    }),
  120_000
)

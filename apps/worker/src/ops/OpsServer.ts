/**
 * The worker's operations HTTP server: `/healthz` (the process is alive), `/readyz` (the database answers,
 * its migrations are exactly this build's, and the worker is not draining) and `/metrics` (Prometheus text,
 * see `Metrics`). Every database check is bounded by a timeout, so a hung database makes these endpoints
 * answer 503, never hang.
 */
import { createServer } from "node:http"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { SqlClient, SqlError } from "@effect/sql"
import { Migrations } from "@seatsync/store"
import { Config, type ConfigError, Context, Data, Duration, Effect, Layer, Option } from "effect"
import { contentType } from "./Exposition.js"
import * as Metrics from "./Metrics.js"
import { WorkerLifecycle } from "./WorkerLifecycle.js"

/** The port when `SEATSYNC_WORKER_PORT` is not set (a free one in Prometheus's exporter registry). */
export const defaultPort = 9464

export interface OpsServerOptions {
  /** TCP port to listen on (all interfaces); 0 lets the system pick a free one. */
  readonly port: number
  /** How long `/readyz` and `/metrics` wait for the database before answering 503. */
  readonly checkTimeout: Duration.Duration
  /** Every metric family per connection too, not only fleet aggregates (`SEATSYNC_METRICS_PER_CONNECTION`). */
  readonly metricsPerConnection?: boolean | undefined
}

/**
 * `SEATSYNC_WORKER_PORT` (default 9464; 0 = any free port), `SEATSYNC_WORKER_CHECK_TIMEOUT` (default 2 s) and
 * `SEATSYNC_METRICS_PER_CONNECTION` (default false).
 */
export const config: Config.Config<OpsServerOptions> = Config.all({
  port: Config.integer("SEATSYNC_WORKER_PORT").pipe(
    Config.withDefault(defaultPort),
    Config.validate({
      message: "SEATSYNC_WORKER_PORT must be a TCP port between 0 and 65535 (0: any free port)",
      validation: (port) => port >= 0 && port <= 65535
    })
  ),
  checkTimeout: Config.duration("SEATSYNC_WORKER_CHECK_TIMEOUT").pipe(
    Config.withDefault(Duration.seconds(2)),
    Config.validate({
      message: "SEATSYNC_WORKER_CHECK_TIMEOUT must be a positive duration, e.g. `2 seconds`",
      validation: (timeout) => Duration.greaterThan(timeout, Duration.zero)
    })
  ),
  metricsPerConnection: Config.boolean("SEATSYNC_METRICS_PER_CONNECTION").pipe(Config.withDefault(false))
})

/** The server could not listen (port in use, not allowed…). */
export class OpsServerUnavailable extends Data.TaggedError("OpsServerUnavailable")<{
  readonly port: number
  readonly reason: string
}> {
  override get message() {
    return `The operations server cannot listen on port ${this.port} (${this.reason}): set SEATSYNC_WORKER_PORT to a free port, or 0 for any`
  }
}

/** The running server: where it listens. */
export interface OpsServerShape {
  readonly port: number
  /** A loopback URL of the server, e.g. `http://127.0.0.1:9464`, for local checks and tests. */
  readonly url: string
}

export class OpsServer extends Context.Tag("@seatsync/worker/OpsServer")<OpsServer, OpsServerShape>() {}

/** Why the worker is not ready; `reason` is one line, never a secret or a URL. */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string }

/** A database failure in a few safe words: the driver's error code when it has one (`ECONNREFUSED`, `57P01`). */
const describeSqlError = (error: SqlError.SqlError): string => {
  const codes: Array<string> = []
  const visit = (cause: unknown) => {
    if (cause instanceof AggregateError) cause.errors.forEach(visit)
    if (typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string") {
      codes.push(cause.code)
    }
  }
  visit(error.cause)
  const unique = [...new Set(codes)]
  return unique.length === 0 ? "the query failed" : `the query failed: ${unique.join(", ")}`
}

const seconds = (duration: Duration.Duration) => `${Duration.toSeconds(duration)} s`

/**
 * Runs a database effect, giving up after `timeout`. The query is disconnected from the caller, so even a
 * connection stuck on a hung server cannot hold the response back past the timeout.
 */
const bounded = <A, E, R>(effect: Effect.Effect<A, E, R>, timeout: Duration.Duration) =>
  effect.pipe(Effect.disconnect, Effect.timeoutOption(timeout))

/** Checks the worker's readiness: not draining, the database answering in time, no migration pending or unknown. */
export const readiness = (
  checkTimeout: Duration.Duration
): Effect.Effect<Readiness, never, SqlClient.SqlClient | WorkerLifecycle> =>
  Effect.gen(function* () {
    const lifecycle = yield* WorkerLifecycle
    const notReady = (reason: string): Readiness => ({ ready: false, reason })
    if (yield* lifecycle.snapshot.pipe(Effect.map((s) => s.draining))) {
      return notReady("the worker is shutting down and takes no new work")
    }
    const result = yield* bounded(Effect.either(Migrations.status), checkTimeout)
    if (Option.isNone(result)) {
      return notReady(`the database did not answer within ${seconds(checkTimeout)}`)
    }
    if (result.value._tag === "Left") {
      return notReady(`the database is unreachable (${describeSqlError(result.value.left)})`)
    }
    const status = result.value.right
    if (status.unknown.length > 0) {
      return notReady(
        `the database has migrations this worker does not know (${status.unknown.join(", ")}): deploy the newer seatsync-worker`
      )
    }
    if (status.pending.length > 0) {
      return notReady(
        `migrations pending (${status.pending.join(", ")}): run \`seatsync migrate\` or restart the worker, which applies them`
      )
    }
    const ready: Readiness = { ready: true }
    return ready
  }).pipe(Effect.withSpan("OpsServer.readiness"))

const plain = (body: string, status: number) =>
  HttpServerResponse.text(`${body}\n`, {
    status,
    headers: { "cache-control": "no-store" }
  })

const metricsResponse = (checkTimeout: Duration.Duration, perConnection: boolean) =>
  Effect.gen(function* () {
    const result = yield* bounded(Effect.either(Metrics.collect), checkTimeout)
    if (Option.isNone(result)) {
      return plain(`metrics unavailable: the database did not answer within ${seconds(checkTimeout)}`, 503)
    }
    if (result.value._tag === "Left") {
      const error = result.value.left
      return error._tag === "SqlError"
        ? plain(`metrics unavailable: the database is unreachable (${describeSqlError(error)})`, 503)
        : // A row of an unexpected shape is a bug of this build, not an outage.
          yield* Effect.logError("metrics query returned unexpected rows").pipe(
            Effect.annotateLogs({ error: error.message }),
            Effect.as(plain("metrics unavailable: unexpected query result (see the worker's log)", 500))
          )
    }
    return HttpServerResponse.text(Metrics.render(result.value.right, { perConnection }), {
      contentType,
      headers: { "cache-control": "no-store" }
    })
  })

/** The three endpoints; anything else is 404. */
export const router = (options: Pick<OpsServerOptions, "checkTimeout" | "metricsPerConnection">) =>
  HttpRouter.empty.pipe(
    HttpRouter.get("/healthz", Effect.succeed(plain("ok", 200))),
    HttpRouter.get(
      "/readyz",
      Effect.map(readiness(options.checkTimeout), (r) =>
        r.ready ? plain("ok", 200) : plain(`not ready: ${r.reason}`, 503)
      )
    ),
    HttpRouter.get("/metrics", metricsResponse(options.checkTimeout, options.metricsPerConnection === true)),
    HttpRouter.catchAll(() =>
      Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
        plain(
          `not found: ${request.method} ${request.url} (this server answers GET /healthz, /readyz and /metrics)`,
          404
        )
      )
    )
  )

const describeListenError = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : cause instanceof Error
      ? cause.message
      : String(cause)

/** Starts the server with these options in a scope; closing it stops the server. */
export const layerWith = (
  options: OpsServerOptions
): Layer.Layer<OpsServer, OpsServerUnavailable, SqlClient.SqlClient | WorkerLifecycle> =>
  Layer.scoped(
    OpsServer,
    Effect.gen(function* () {
      const server = yield* NodeHttpServer.make(() => createServer(), { port: options.port }).pipe(
        Effect.mapError(
          (error) =>
            new OpsServerUnavailable({ port: options.port, reason: describeListenError(error.cause) })
        )
      )
      yield* HttpServer.serveEffect(router(options)).pipe(
        Effect.provideService(HttpServer.HttpServer, server)
      )
      const port = server.address._tag === "TcpAddress" ? server.address.port : options.port
      yield* Effect.logInfo(`operations server listening on port ${port}: /healthz, /readyz, /metrics`).pipe(
        Effect.annotateLogs({ port })
      )
      return { port, url: `http://127.0.0.1:${port}` }
    })
  )

/** The server on `SEATSYNC_WORKER_PORT`; closing the layer's scope stops it. */
export const layer: Layer.Layer<
  OpsServer,
  OpsServerUnavailable | ConfigError.ConfigError,
  SqlClient.SqlClient | WorkerLifecycle
> = Layer.unwrapEffect(Effect.map(config, layerWith))

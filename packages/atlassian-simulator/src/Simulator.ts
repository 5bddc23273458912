/**
 * The simulator server: a `node:http` listener around the request handler, acquired in a `Scope` (it stops
 * listening and drops open sockets when the scope closes), plus a `Context.Tag` service and its layer.
 */
import * as Http from "node:http"
import type { Socket } from "node:net"
import { Console, Context, Effect, Layer, type Scope } from "effect"
import type { SimulatorResponse } from "./Exchange.js"
import type { Fault } from "./Fault.js"
import { type HandlerOptions, makeHandler } from "./Handler.js"
import { adminPrefix, type OperationId } from "./Operations.js"
import * as Organisation from "./Organisation.js"
import type { RateLimitOptions } from "./RateLimit.js"
import { SimulatorError } from "./SimulatorError.js"
import type { SiteCredentials } from "./SiteHandlers.js"

/** The API key the simulator accepts unless told otherwise. */
export const defaultApiKey = "seatsync-simulator-key"

export interface SimulatorOptions extends Organisation.OrganisationOptions {
  /** The bearer token to accept; default `defaultApiKey`. */
  readonly apiKey?: string | undefined
  /** Port to listen on; default 0 (any free port). */
  readonly port?: number | undefined
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string | undefined
  /** Faults active from the start; replace them later with `setFaults`. */
  readonly faults?: ReadonlyArray<Fault> | undefined
  /** The `X-RateLimit-*` window, optionally enforced. */
  readonly rateLimit?: RateLimitOptions | undefined
  /** Delay before every response is sent, to simulate a network round trip; default 0. */
  readonly latencyMillis?: number | undefined
  /** Serve this organisation instead of building one from seed/users/…. */
  readonly organisation?: Organisation.Organisation | undefined
  /** last-active-dates' own enforced budget; default 200 per 60 s (Atlassian's); `false` disables it. */
  readonly lastActiveRateLimit?: HandlerOptions["lastActiveRateLimit"]
  /** Basic-auth credentials of `GET /rest/api/3/applicationrole`; default `defaultSiteCredentials`. */
  readonly siteCredentials?: SiteCredentials | undefined
}

export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:41234` */
  readonly baseUrl: string
  /** `baseUrl + "/admin"`: what a client uses in place of `https://api.atlassian.com/admin`. */
  readonly adminBaseUrl: string
  readonly orgId: string
  readonly apiKey: string
  readonly organisation: Organisation.Organisation
  /** Replaces the active faults; call counts restart and a revoked key works again. */
  readonly setFaults: (faults: ReadonlyArray<Fault>) => Effect.Effect<void>
  /** Requests received so far, of any kind. */
  readonly requestCount: Effect.Effect<number>
  /** Requests received so far per operation. */
  readonly requestCounts: Effect.Effect<Readonly<Record<OperationId, number>>>
}

export class Simulator extends Context.Tag("@seatsync/atlassian-simulator/Simulator")<
  Simulator,
  RunningSimulator
>() {}

/** Largest request body accepted; anything bigger is answered 413. */
const maxBodyBytes = 1024 * 1024

const send = (res: Http.ServerResponse, response: SimulatorResponse) => {
  const body = Buffer.from(response.body, "utf8")
  res.writeHead(response.status, { ...response.headers, "Content-Length": String(body.length) })
  res.end(body)
}

const buildOrganisation = (options: SimulatorOptions) =>
  Effect.try({
    try: () => options.organisation ?? Organisation.make(options),
    catch: (cause) =>
      new SimulatorError({
        reason: "InvalidOptions",
        detail: cause instanceof Error ? cause.message : String(cause),
        cause
      })
  })

const listen = (server: Http.Server, port: number, host: string) =>
  Effect.async<number, SimulatorError>((resume) => {
    const onError = (cause: Error) =>
      resume(
        Effect.fail(
          new SimulatorError({ reason: "ListenFailed", detail: `${host}:${port}: ${cause.message}`, cause })
        )
      )
    server.once("error", onError)
    server.listen(port, host, () => {
      server.off("error", onError)
      const address = server.address()
      resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : port))
    })
  })

const close = (server: Http.Server, sockets: Set<Socket>, delayed: Set<ReturnType<typeof setTimeout>>) =>
  Effect.async<void>((resume) => {
    for (const timer of delayed) clearTimeout(timer)
    server.close(() => resume(Effect.void))
    for (const socket of sockets) socket.destroy()
    server.closeAllConnections()
  })

/**
 * Starts a simulator that lives as long as the enclosing `Scope`. Fails with `SimulatorError` on invalid
 * options or when the port cannot be bound.
 */
export const start = (
  options: SimulatorOptions = {}
): Effect.Effect<RunningSimulator, SimulatorError, Scope.Scope> =>
  Effect.gen(function* () {
    const organisation = yield* buildOrganisation(options)
    const host = options.host ?? "127.0.0.1"
    const port = options.port ?? 0
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return yield* new SimulatorError({
        reason: "InvalidOptions",
        detail: `port must be 0–65535, got ${port}`
      })
    }
    const apiKey = options.apiKey ?? defaultApiKey
    if (apiKey.trim() === "") {
      return yield* new SimulatorError({ reason: "InvalidOptions", detail: "apiKey must not be empty" })
    }

    const latencyMillis = options.latencyMillis ?? 0
    if (!Number.isFinite(latencyMillis) || latencyMillis < 0) {
      return yield* new SimulatorError({
        reason: "InvalidOptions",
        detail: `latencyMillis must be ≥ 0, got ${latencyMillis}`
      })
    }

    // The handler needs the bound port for its links, so it is installed once listening succeeds.
    let handler: ReturnType<typeof makeHandler> | undefined
    const sockets = new Set<Socket>()
    const delayed = new Set<ReturnType<typeof setTimeout>>()
    const server = Http.createServer((req, res) => {
      const chunks: Array<Buffer> = []
      let size = 0
      // A client that hangs up mid-request must not crash the process with an unhandled 'error'.
      req.on("error", () => res.destroy())
      req.on("data", (chunk: Buffer) => {
        size += chunk.length
        if (size <= maxBodyBytes) chunks.push(chunk)
      })
      req.on("end", () => {
        if (handler === undefined) return res.destroy()
        const url = new URL(req.url ?? "/", "http://simulator.invalid")
        const headers: Record<string, string | undefined> = {}
        for (const [name, value] of Object.entries(req.headers)) {
          headers[name] = Array.isArray(value) ? value.join(", ") : value
        }
        const response = handler.handle(
          {
            method: req.method ?? "GET",
            path: url.pathname,
            query: url.searchParams,
            headers,
            body: size > maxBodyBytes ? "" : Buffer.concat(chunks).toString("utf8")
          },
          Date.now()
        )
        const final =
          size > maxBodyBytes
            ? { ...response, status: 413, body: JSON.stringify({ code: 413, message: "Payload Too Large" }) }
            : response
        // A reset destroys the socket without a byte of response, as a dropped connection would.
        // A stall reads the request and never answers; closing the simulator destroys the socket.
        if (final.stall === true) return
        const deliver = () => (final.reset === true ? req.socket.destroy() : send(res, final))
        const delay = latencyMillis + (final.delayMillis ?? 0)
        if (delay === 0) return deliver()
        const timer = setTimeout(() => {
          delayed.delete(timer)
          deliver()
        }, delay)
        delayed.add(timer)
      })
    })
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.once("close", () => sockets.delete(socket))
    })

    const boundPort = yield* Effect.acquireRelease(listen(server, port, host), () =>
      close(server, sockets, delayed)
    )
    const urlHost = host.includes(":") ? `[${host}]` : host
    const baseUrl = `http://${urlHost}:${boundPort}`
    const adminBaseUrl = `${baseUrl}${adminPrefix}`
    const active = makeHandler({
      organisation,
      apiKey,
      adminBaseUrl,
      faults: options.faults,
      rateLimit: options.rateLimit,
      lastActiveRateLimit: options.lastActiveRateLimit,
      siteCredentials: options.siteCredentials
    })
    handler = active
    return {
      baseUrl,
      adminBaseUrl,
      orgId: organisation.orgId,
      apiKey,
      organisation,
      setFaults: (faults) => Effect.sync(() => active.setFaults(faults)),
      requestCount: Effect.sync(active.requestCount),
      requestCounts: Effect.sync(active.requestCounts)
    } satisfies RunningSimulator
  })

/** A layer that runs a simulator for the layer's lifetime and provides it as `Simulator`. */
export const layer = (options: SimulatorOptions = {}): Layer.Layer<Simulator, SimulatorError> =>
  Layer.scoped(Simulator, start(options))

/**
 * The one line `runStandalone` prints once listening: the Admin API base URL exactly as
 * `ATLASSIAN_ADMIN_BASE_URL` takes it (with `/admin`); the key is echoed only when it is the default.
 */
export const readyLine = (sim: RunningSimulator, keyGiven: boolean): string =>
  `seatsync simulator listening on ${sim.adminBaseUrl} (org ${sim.orgId}, key ${keyGiven ? "(given)" : sim.apiKey})`

/**
 * Serves a simulator until interrupted (Ctrl-C): starts it, prints exactly one line — `seatsync simulator
 * listening on http://127.0.0.1:4010/admin (org <orgId>, key <default key or "(given)">)` — and never returns.
 * A given `apiKey` is never echoed. This is what `seatsync simulator` wraps.
 */
export const runStandalone = (options: SimulatorOptions = {}): Effect.Effect<never, SimulatorError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const sim = yield* start(options)
      yield* Console.log(readyLine(sim, options.apiKey !== undefined))
      return yield* Effect.never
    })
  )

/**
 * The transport at its edges: how long it waits when a server asks, how long it waits for an answer, what
 * it does with a redirect, how fast it gives up on an address where nothing listens, and that every retry
 * is told to an observer first.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Exit, Redacted } from "effect"
import {
  AtlassianClient,
  AtlassianClientConfig,
  defaultRetryOptions,
  describeRetryNotice,
  type RetryNotice,
  retryDelayMillis,
  unpaced,
  withRetryObserver
} from "../src/index.js"
import { driveClock, Fault, withClient } from "./support.js"

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  if (exit.cause._tag !== "Fail") throw new Error(`expected a plain failure, got ${exit.cause._tag}`)
  return exit.cause.error
}

/** Collects the notices of every call run under it. */
const noticesOf = () => {
  const notices: Array<RetryNotice> = []
  return {
    notices,
    observe: withRetryObserver((notice) => Effect.sync(() => void notices.push(notice)))
  }
}

/** A loopback server that records every request it receives (method, path, Authorization) and answers 200. */
const recordingServer = Effect.acquireRelease(
  Effect.async<{
    readonly origin: string
    readonly received: Array<{ method: string; path: string; authorization: string | undefined }>
    readonly server: Http.Server
  }>((resume) => {
    const received: Array<{ method: string; path: string; authorization: string | undefined }> = []
    const server = Http.createServer((req, res) => {
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        authorization: req.headers.authorization
      })
      res.writeHead(200, { "Content-Type": "application/json" })
      res.end('{"data":{"id":"not-atlassian","type":"orgs","attributes":{"name":"Elsewhere"}}}')
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resume(Effect.succeed({ origin: `http://127.0.0.1:${port}`, received, server }))
    })
  }),
  ({ server }) => Effect.promise(() => new Promise<void>((done) => server.close(() => done())))
)

/** A loopback port where nothing listens (bound, then closed). */
const closedPort = Effect.promise(
  () =>
    new Promise<number>((resolve) => {
      const server = Http.createServer()
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        server.close(() => resolve(port))
      })
    })
)

describe("Retry-After is honoured up to its own ceiling", () => {
  it("waits what the server asked, up to maxRetryAfter; a computed backoff stays under maxDelay", () => {
    const options = { maxDelay: Duration.seconds(60), maxRetryAfter: Duration.minutes(15) }
    expect(retryDelayMillis(options, { serverDelayMillis: 90_000 }, 500)).toBe(90_000)
    expect(retryDelayMillis(options, { serverDelayMillis: 15 * 60_000 }, 500)).toBe(15 * 60_000)
    expect(retryDelayMillis(options, { serverDelayMillis: 15 * 60_000 + 1 }, 500)).toBe(15 * 60_000)
    expect(retryDelayMillis(options, { serverDelayMillis: -5 }, 500)).toBe(0)
    expect(retryDelayMillis(options, { serverDelayMillis: undefined }, 61_000)).toBe(60_000)
    expect(retryDelayMillis(options, { serverDelayMillis: undefined }, 1_234)).toBe(1_234)
    expect(Duration.toMillis(defaultRetryOptions.maxRetryAfter)).toBe(15 * 60_000)
  })

  it.scoped("retries `Retry-After: 90` after 90 s, not after the backoff cap of 60 s", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({
        users: 5,
        faults: [Fault.rateLimited("getOrgById", { nth: 1 }, 90)]
      })
      const { notices, observe } = noticesOf()
      const { exit } = yield* driveClock(observe(client.org(simulator.orgId)), "1000")
      expect(Exit.isSuccess(exit)).toBe(true)
      expect((yield* client.stats).sleptMillis).toBe(90_000)
      expect(notices).toHaveLength(1)
      expect(notices[0]).toMatchObject({
        kind: "rate-limited",
        status: 429,
        attempt: 1,
        maxAttempts: 13,
        delayMillis: 90_000,
        serverAsked: true
      })
    })
  )

  it.scoped("clamps a longer Retry-After to the default ceiling of 15 minutes", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({
        users: 5,
        faults: [Fault.rateLimited("getOrgById", { nth: 1 }, 3600)]
      })
      const { exit } = yield* driveClock(client.org(simulator.orgId), "5000")
      expect(Exit.isSuccess(exit)).toBe(true)
      expect((yield* client.stats).sleptMillis).toBe(15 * 60_000)
    })
  )

  it.scoped("clamps to a configured ceiling (SEATSYNC_MAX_RETRY_AFTER's setting)", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient(
        { users: 5, faults: [Fault.rateLimited("getOrgById", { nth: 1 }, 600)] },
        { retry: { maxRetryAfter: Duration.minutes(2) } }
      )
      const { exit } = yield* driveClock(client.org(simulator.orgId), "1000")
      expect(Exit.isSuccess(exit)).toBe(true)
      expect((yield* client.stats).sleptMillis).toBe(120_000)
    })
  )
})

describe("the request timeout", () => {
  it.scoped("abandons a stalled answer after the timeout and retries it like a network failure", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient(
        { users: 5, faults: [Fault.stall("getOrgById", { nth: 1 })] },
        { requestTimeout: Duration.seconds(5) }
      )
      const { notices, observe } = noticesOf()
      const { exit, advancedMillis } = yield* driveClock(observe(client.org(simulator.orgId)))
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(advancedMillis).toBeGreaterThanOrEqual(5000)
      expect(advancedMillis).toBeLessThan(7000)
      expect(notices).toHaveLength(1)
      expect(notices[0]).toMatchObject({ kind: "timeout", status: 0, detail: "no answer within 5 s" })
      expect(yield* simulator.requestCount).toBe(2)
    })
  )

  it.scoped("defaults to 30 s, and names the URL when every attempt stalls", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient(
        { users: 5, faults: [Fault.stall("getOrgById")] },
        { retry: { maxRetries: 1, baseDelay: Duration.millis(100) } }
      )
      const { exit, advancedMillis } = yield* driveClock(client.org(simulator.orgId), "500")
      const error = failureOf(exit)
      expect(error._tag).toBe("AtlassianUnavailable")
      if (error._tag === "AtlassianUnavailable") {
        expect(error.transport).toBe("timeout")
        expect(error.attempts).toBe(2)
        expect(error.message).toContain(`${simulator.adminBaseUrl}/v1/orgs/${simulator.orgId}`)
        expect(error.message).toContain("no answer within 30 s after 2 attempts")
      }
      expect(advancedMillis).toBeGreaterThanOrEqual(60_000)
      expect(advancedMillis).toBeLessThan(62_000)
    })
  )

  it("reads SEATSYNC_REQUEST_TIMEOUT and SEATSYNC_MAX_RETRY_AFTER in seconds, naming a bad one", () => {
    const read = (values: Record<string, string>) =>
      Effect.runSyncExit(
        Effect.withConfigProvider(
          AtlassianClientConfig.endpointFromEnv,
          ConfigProvider.fromMap(new Map(Object.entries(values)))
        )
      )
    const defaults = read({})
    expect(Exit.isSuccess(defaults)).toBe(true)
    if (Exit.isSuccess(defaults)) {
      expect(Duration.toMillis(defaults.value.requestTimeout ?? 0)).toBe(30_000)
      expect(Duration.toMillis(defaults.value.retry?.maxRetryAfter ?? 0)).toBe(900_000)
    }
    const set = read({ SEATSYNC_REQUEST_TIMEOUT: "7.5", SEATSYNC_MAX_RETRY_AFTER: "1800" })
    expect(Exit.isSuccess(set)).toBe(true)
    if (Exit.isSuccess(set)) {
      expect(Duration.toMillis(set.value.requestTimeout ?? 0)).toBe(7_500)
      expect(Duration.toMillis(set.value.retry?.maxRetryAfter ?? 0)).toBe(1_800_000)
    }
    const bad = read({ SEATSYNC_REQUEST_TIMEOUT: "0" })
    expect(Exit.isFailure(bad)).toBe(true)
    if (Exit.isFailure(bad)) expect(String(bad.cause)).toContain("SEATSYNC_REQUEST_TIMEOUT")
  })
})

describe("redirects are never followed", () => {
  it.scoped("a same-origin 302 to a path outside the allow-list is an error; no second request is sent", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({ users: 5 })
      const suspend = `/admin/v2/orgs/${simulator.orgId}/directories/-/users/u1/suspend`
      yield* simulator.setFaults([Fault.redirect("getOrgById", `${suspend}?token=abc`)])
      const error = yield* Effect.flip(client.org(simulator.orgId))
      expect(error._tag).toBe("UnexpectedRedirect")
      if (error._tag === "UnexpectedRedirect") {
        expect(error.status).toBe(302)
        expect(error.location).toBe(`${new URL(simulator.adminBaseUrl).origin}${suspend}`)
        expect(error.message).toContain("302")
        expect(error.message).toContain(suspend)
        expect(error.message).not.toContain("token=abc")
      }
      expect(yield* simulator.requestCount).toBe(1)
      expect((yield* client.stats).apiCalls).toBe(1)
    })
  )

  it.scoped("a cross-origin 302 is an error; the other host receives nothing, so never the key", () =>
    Effect.gen(function* () {
      const elsewhere = yield* recordingServer
      const { simulator, client } = yield* withClient({ users: 5 })
      yield* simulator.setFaults([
        Fault.redirect("getOrgById", `${elsewhere.origin}/admin/v1/orgs/${simulator.orgId}`, { status: 307 })
      ])
      const error = yield* Effect.flip(client.org(simulator.orgId))
      expect(error._tag).toBe("UnexpectedRedirect")
      if (error._tag === "UnexpectedRedirect") {
        expect(error.status).toBe(307)
        expect(error.location).toBe(`${elsewhere.origin}/admin/v1/orgs/${simulator.orgId}`)
      }
      expect(elsewhere.received).toEqual([])
      expect(yield* simulator.requestCount).toBe(1)
    })
  )

  it.scoped("the recording server does record what reaches it (so the assertion above can fail)", () =>
    Effect.gen(function* () {
      const elsewhere = yield* recordingServer
      yield* Effect.promise(() =>
        fetch(`${elsewhere.origin}/probe`, { headers: { Authorization: "Bearer x" } }).then((r) => r.text())
      )
      expect(elsewhere.received).toEqual([{ method: "GET", path: "/probe", authorization: "Bearer x" }])
    })
  )
})

describe("failing fast where nothing listens", () => {
  it.scoped("a refused connection gets one quick retry, then names the URL and the cause", () =>
    Effect.gen(function* () {
      const port = yield* closedPort
      const adminBaseUrl = `http://127.0.0.1:${port}/admin`
      const client = yield* AtlassianClient.make({
        apiKey: Redacted.make("seatsync-test-key"),
        adminBaseUrl,
        pacing: unpaced
      }).pipe(Effect.provide(FetchHttpClient.layer))
      const { notices, observe } = noticesOf()
      const { exit, advancedMillis } = yield* driveClock(observe(client.org("o1")))
      const error = failureOf(exit)
      expect(error._tag).toBe("AtlassianUnavailable")
      if (error._tag === "AtlassianUnavailable") {
        expect(error.status).toBe(0)
        expect(error.transport).toBe("unreachable")
        expect(error.detail).toBe("connection refused")
        expect(error.attempts).toBe(2)
        expect(error.message).toContain(`${adminBaseUrl}/v1/orgs/o1`)
        expect(error.message).toContain("connection refused")
      }
      expect(notices).toHaveLength(1)
      expect(notices[0]).toMatchObject({
        kind: "unreachable",
        url: `${adminBaseUrl}/v1/orgs/o1`,
        attempt: 1,
        maxAttempts: 2
      })
      expect(describeRetryNotice(notices[0]!)).toContain(
        `could not connect (connection refused) at ${adminBaseUrl}/v1/orgs/o1 · attempt 1 of 2 · next try in`
      )
      // One quick retry: well under the seconds a 503 storm backs off for.
      expect(advancedMillis).toBeLessThan(2000)
      expect((yield* client.stats).apiCalls).toBe(2)
    })
  )

  it.scoped("a 503 storm is still retried with growing backoff, every retry told", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient(
        { users: 5, faults: [Fault.status("getOrgById", 503)] },
        { retry: { maxRetries: 4 } }
      )
      const configured: Array<RetryNotice> = []
      const withObserver = yield* withClient(
        { users: 5, faults: [Fault.status("getOrgById", 503, { calls: { nth: 1 } })] },
        { onRetry: (notice) => Effect.sync(() => void configured.push(notice)) }
      )
      const { notices, observe } = noticesOf()
      const { exit } = yield* driveClock(observe(client.org(simulator.orgId)))
      const error = failureOf(exit)
      expect(error._tag).toBe("AtlassianUnavailable")
      if (error._tag === "AtlassianUnavailable") {
        expect(error.status).toBe(503)
        expect(error.attempts).toBe(5)
      }
      expect(notices.map((notice) => [notice.attempt, notice.maxAttempts, notice.kind])).toEqual([
        [1, 5, "server-error"],
        [2, 5, "server-error"],
        [3, 5, "server-error"],
        [4, 5, "server-error"]
      ])
      // Jittered exponential backoff from 500 ms: each wait is longer than the one two before it.
      const delays = notices.map((notice) => notice.delayMillis)
      expect(delays[2]!).toBeGreaterThan(delays[0]!)
      expect(delays[3]!).toBeGreaterThan(delays[1]!)
      expect(yield* simulator.requestCount).toBe(5)
      // The observer of the configuration hears the retries too.
      const { exit: recovered } = yield* driveClock(withObserver.client.org(withObserver.simulator.orgId))
      expect(Exit.isSuccess(recovered)).toBe(true)
      expect(configured.map((notice) => notice.kind)).toEqual(["server-error"])
    })
  )
})

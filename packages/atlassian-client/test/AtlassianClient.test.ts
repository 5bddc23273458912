import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Redacted, Stream, TestClock } from "effect"
import { retrySchedule } from "../src/index.js"
import { driveClock, exactRetry, Fault, withClient } from "./support.js"

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (failure === undefined) throw new Error(`expected a plain failure, got ${exit.cause._tag}`)
  return failure
}

describe("AtlassianClient against the simulator", () => {
  it.scoped("walks every page of a user search, 100 users a page", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({ users: 250 })
      const pages = yield* client.users(simulator.orgId).pipe(Stream.chunks, Stream.runCollect)
      expect(Chunk.toReadonlyArray(pages).map(Chunk.size)).toEqual([100, 100, 50])
      const ids = Chunk.toReadonlyArray(pages).flatMap((page) =>
        Chunk.toReadonlyArray(page).map((u) => u.accountId)
      )
      expect(new Set(ids).size).toBe(250)
      expect((yield* client.stats).apiCalls).toBe(3)
    })
  )

  it.scoped("follows the cursor onto an empty last page and stops there", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({ users: 200 })
      const pages = yield* client.users(simulator.orgId).pipe(Stream.chunks, Stream.runCollect)
      expect(Chunk.toReadonlyArray(pages).map(Chunk.size)).toEqual([100, 100, 0])
      expect((yield* simulator.requestCounts).searchDirectoryUsers).toBe(3)
    })
  )

  it.scoped("sends filters and expand, and keeps them across pages", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({ users: 300 })
      const active = yield* client
        .users(simulator.orgId, { status: ["active"], expand: ["productAccess", "groups"] }, { pageSize: 25 })
        .pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
      expect(active.length).toBeGreaterThan(25)
      expect(active.every((user) => user.status === "active")).toBe(true)
      expect(active.some((user) => user.productAccess !== undefined)).toBe(true)
      const plain = yield* client
        .users(simulator.orgId, {}, { pageSize: 5 })
        .pipe(Stream.take(5), Stream.runCollect)
      expect(Chunk.toReadonlyArray(plain).every((user) => user.productAccess === undefined)).toBe(true)
    })
  )

  it.scoped("reads orgs, one org and the directories", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({ users: 10 })
      const orgs = yield* client.orgs.pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
      expect(orgs.map((org) => org.id)).toEqual([simulator.orgId])
      const org = yield* client.org(simulator.orgId)
      expect(org.attributes.name).toBe(simulator.organisation.name)
      const directories = yield* client.directories(simulator.orgId).pipe(Stream.runCollect)
      expect(Chunk.size(directories)).toBeGreaterThan(0)
    })
  )

  it.scoped("maps a wrong organisation id to OrgNotFound", () =>
    Effect.gen(function* () {
      const { client } = yield* withClient({ users: 10 })
      const error = yield* Effect.flip(client.org("00000000-0000-4000-8000-000000000000"))
      expect(error._tag).toBe("OrgNotFound")
      expect((yield* client.stats).apiCalls).toBe(1)
    })
  )

  it.scoped("maps 401 to InvalidApiKey and never retries it", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({ users: 10 }, { apiKey: Redacted.make("not-the-key") })
      const error = yield* Effect.flip(client.users(simulator.orgId).pipe(Stream.runDrain))
      expect(error._tag).toBe("InvalidApiKey")
      expect(error.message).toContain("401")
      expect((yield* client.stats).apiCalls).toBe(1)
      expect(yield* simulator.requestCount).toBe(1)
    })
  )

  it.scoped("fails a malformed page with UnexpectedResponse naming the endpoint and the field", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({
        users: 250,
        faults: [Fault.malformedBody("searchDirectoryUsers", { nth: 2 })]
      })
      const error = yield* Effect.flip(client.users(simulator.orgId).pipe(Stream.runDrain))
      expect(error._tag).toBe("UnexpectedResponse")
      if (error._tag === "UnexpectedResponse") {
        expect(error.endpoint).toBe("POST /v2/orgs/{orgId}/directories/{directoryId}/users/search")
        expect(error.path).toMatch(/^data\.\d+\.accountId$/)
        expect(error.message).toContain(error.path)
      }
    })
  )

  it.scoped("fails truncated JSON with UnexpectedResponse about the body", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({
        users: 20,
        faults: [Fault.truncatedJson("getOrgById")]
      })
      const error = yield* Effect.flip(client.org(simulator.orgId))
      expect(error._tag).toBe("UnexpectedResponse")
      expect(error.message).toContain("not valid JSON")
    })
  )

  it.scoped("maps 403 to Forbidden and 404 on a directory to ResourceNotFound, without retrying", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({
        users: 20,
        faults: [Fault.status("getDirectoriesForOrg", 403)]
      })
      const forbidden = yield* Effect.flip(client.directories(simulator.orgId).pipe(Stream.runDrain))
      expect(forbidden._tag).toBe("Forbidden")
      yield* simulator.setFaults([Fault.status("searchDirectoryUsers", 404)])
      const missing = yield* Effect.flip(client.users(simulator.orgId).pipe(Stream.runDrain))
      expect(missing._tag).toBe("ResourceNotFound")
      expect((yield* client.stats).retries).toBe(0)
    })
  )

  it.scoped("fails with InvalidApiKey when the key is revoked in the middle of a walk", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({
        users: 500,
        faults: [Fault.revokeKey({ nth: 3 }, "searchDirectoryUsers")]
      })
      const seen = yield* Effect.gen(function* () {
        let count = 0
        const exit = yield* client.users(simulator.orgId).pipe(
          Stream.runForEach(() => Effect.sync(() => void count++)),
          Effect.exit
        )
        return { count, exit }
      })
      expect(seen.count).toBe(200)
      expect(failureOf(seen.exit)._tag).toBe("InvalidApiKey")
    })
  )
})

describe("retries (TestClock)", () => {
  it.scoped("retries 5xx with backoff and then succeeds", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient(
        { users: 20, faults: [Fault.status("getOrgById", 503, { calls: { from: 1, to: 2 } })] },
        { retrySchedule: exactRetry(1000, 5) }
      )
      const { exit } = yield* driveClock(client.org(simulator.orgId))
      expect(Exit.isSuccess(exit)).toBe(true)
      const stats = yield* client.stats
      expect(stats.retries).toBe(2)
      expect(stats.sleptMillis).toBe(1000 + 2000)
      expect(stats.apiCalls).toBe(3)
    })
  )

  it.scoped("honours Retry-After on 429", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({
        users: 20,
        faults: [Fault.rateLimited("getOrgById", { nth: 1 }, 7)]
      })
      const { exit } = yield* driveClock(client.org(simulator.orgId))
      expect(Exit.isSuccess(exit)).toBe(true)
      const stats = yield* client.stats
      expect(stats.rateLimited).toBe(1)
      expect(stats.retries).toBe(1)
      expect(stats.sleptMillis).toBe(7000)
    })
  )

  it.scoped("honours X-RateLimit-Reset when a 429 has no Retry-After", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.now())
      const { simulator, client } = yield* withClient({
        users: 20,
        rateLimit: { windowSeconds: 30 },
        faults: [Fault.status("getOrgById", 429, { calls: { nth: 1 }, retryAfterSeconds: null })]
      })
      const { exit } = yield* driveClock(client.org(simulator.orgId), "500")
      expect(Exit.isSuccess(exit)).toBe(true)
      const stats = yield* client.stats
      expect(stats.retries).toBe(1)
      // The window started at the first request, so the reset is ~30 s after it (give or take the real milliseconds between setting the clock and that request).
      expect(stats.sleptMillis).toBeGreaterThan(28_000)
      expect(stats.sleptMillis).toBeLessThanOrEqual(31_000)
    })
  )

  it.scoped("backs off a 5xx on its own schedule, never waiting for X-RateLimit-Reset", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.now())
      const { simulator, client } = yield* withClient({
        users: 20,
        rateLimit: { windowSeconds: 60 },
        faults: [Fault.status("getOrgById", 503, { calls: { nth: 1 } })]
      })
      const { exit } = yield* driveClock(client.org(simulator.orgId))
      expect(Exit.isSuccess(exit)).toBe(true)
      const stats = yield* client.stats
      expect(stats.retries).toBe(1)
      // The default first backoff is 500 ms ± jitter; the window reset would have been ~60 s away.
      expect(stats.sleptMillis).toBeLessThan(1000)
    })
  )

  it.scoped("caps each backoff delay", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient(
        { users: 20, faults: [Fault.status("getOrgById", 500, { calls: { from: 1, to: 8 } })] },
        {
          retrySchedule: retrySchedule({
            baseDelay: "1 second",
            maxDelay: "5 seconds",
            budget: "10 minutes",
            maxRetries: 10
          })
        }
      )
      const { exit } = yield* driveClock(client.org(simulator.orgId), "500")
      expect(Exit.isSuccess(exit)).toBe(true)
      const stats = yield* client.stats
      expect(stats.retries).toBe(8)
      // Uncapped, 8 doublings from ~1 s would wait minutes; capped, never more than 5 s each.
      expect(stats.sleptMillis).toBeLessThanOrEqual(8 * 5000)
      expect(stats.sleptMillis).toBeGreaterThan(4 * 5000)
    })
  )

  it.scoped("gives up with RateLimited once the retry budget is spent", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient(
        { users: 20, faults: [Fault.rateLimited("getOrgById", undefined, 4)] },
        {
          retrySchedule: retrySchedule({
            baseDelay: "1 second",
            maxDelay: "1 minute",
            budget: "10 seconds",
            maxRetries: 100
          })
        }
      )
      const { exit } = yield* driveClock(client.org(simulator.orgId), "500")
      const error = failureOf(exit)
      expect(error._tag).toBe("RateLimited")
      if (error._tag === "RateLimited") expect(error.retryAfterMillis).toBe(4000)
      const stats = yield* client.stats
      expect(stats.retries).toBeLessThanOrEqual(3)
      expect(stats.rateLimited).toBe(stats.retries + 1)
    })
  )

  it.scoped("gives up with AtlassianUnavailable after the last retry of a 5xx", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient(
        { users: 20, faults: [Fault.status("getOrgById", 502)] },
        { retrySchedule: exactRetry(100, 3) }
      )
      const { exit } = yield* driveClock(client.org(simulator.orgId))
      const error = failureOf(exit)
      expect(error._tag).toBe("AtlassianUnavailable")
      if (error._tag === "AtlassianUnavailable") expect(error.status).toBe(502)
      expect((yield* client.stats).apiCalls).toBe(4)
    })
  )
})

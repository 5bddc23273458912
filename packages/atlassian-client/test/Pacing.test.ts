import { describe, expect, it } from "@effect/vitest"
import { Clock, ConfigProvider, Effect, Fiber, TestClock } from "effect"
import {
  defaultPacing,
  makeOrgPacer,
  makeTokenBucket,
  pacingFromEnv,
  readRateLimitHeaders,
  serverLimitHeadroom
} from "../src/index.js"

/** Runs `count` paced calls concurrently on the TestClock and returns when each was let through. */
const admissionTimes = (before: Effect.Effect<number>, count: number, stepMillis: number) =>
  Effect.gen(function* () {
    const times: Array<number> = []
    const fiber = yield* Effect.fork(
      Effect.forEach(
        Array.from({ length: count }),
        () =>
          Effect.zipRight(
            before,
            Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => times.push(now)))
          ),
        { concurrency: "unbounded" }
      )
    )
    while ((yield* Fiber.poll(fiber))._tag === "None") yield* TestClock.adjust(`${stepMillis} millis`)
    return times.sort((a, b) => a - b)
  })

const maxInWindow = (times: ReadonlyArray<number>, windowMillis: number) => {
  let max = 0
  let start = 0
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMillis) start++
    max = Math.max(max, end - start + 1)
  }
  return max
}

describe("pacing", () => {
  it.effect("never lets more than 200 last-active calls through in any minute", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer({ ...defaultPacing, requestsPerSecond: 1000, burst: 1000 })
      const times = yield* admissionTimes(pacer.before("lastActive"), 450, 300)
      expect(times).toHaveLength(450)
      expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(200)
      // …and uses the budget: 450 calls take a little over two minutes, not more.
      expect(times.at(-1)! - times[0]!).toBeLessThanOrEqual(135_000)
    })
  )

  it.effect("lets a burst through, then holds the sustained rate", () =>
    Effect.gen(function* () {
      const bucket = yield* makeTokenBucket(10, 3)
      const times = yield* admissionTimes(bucket.take, 40, 100)
      expect(times.filter((t) => t === 0)).toHaveLength(10)
      // The remaining 30 need 10 s at 3 per second.
      expect(times.at(-1)).toBeGreaterThanOrEqual(9_900)
      expect(times.at(-1)).toBeLessThanOrEqual(10_100)
    })
  )

  it.effect("spreads calls until the reset when X-RateLimit-Remaining runs low", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ remaining: 3, resetAtMillis: now + 40_000 })
      const fiber = yield* Effect.fork(pacer.before("general"))
      yield* TestClock.adjust("9 seconds")
      expect((yield* Fiber.poll(fiber))._tag).toBe("None")
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(fiber)).toBe(10_000)
    })
  )

  it.effect("does not slow down while plenty of calls remain", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ remaining: 500, resetAtMillis: now + 40_000 })
      expect(yield* pacer.before("general")).toBe(0)
    })
  )
})

describe("pacing at the limit the server states", () => {
  it.effect("speeds up to a stated limit above the configured rate, never more than it in any window", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ limit: 10, remaining: 9, resetAtMillis: now + 1_000 })
      const times = yield* admissionTimes(pacer.before("general"), 40, 5)
      expect(maxInWindow(times, 1_000)).toBeLessThanOrEqual(10)
      // 40 calls at 10 per second (less the headroom) take about 4 s; at the configured 3/s they took 10 s.
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(3_900)
      expect(times.at(-1)! - times[0]!).toBeLessThanOrEqual(4_100 / serverLimitHeadroom)
    })
  )

  it.effect("slows down to a stated limit below the configured rate, without a burst", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ limit: 60, remaining: 59, resetAtMillis: now + 60_000 })
      const times = yield* admissionTimes(pacer.before("general"), 20, 50)
      expect(maxInWindow(times, 1_000)).toBe(1)
      expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(60)
    })
  )

  it.effect("measures the window from the longest reset it has seen", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      // Late in a 10 s window, then at the start of one: the pace is 5 per 10 s, not 5 per 2 s.
      yield* pacer.after({ limit: 5, remaining: 3, resetAtMillis: now + 1_500 })
      yield* pacer.after({ limit: 5, remaining: 4, resetAtMillis: now + 9_950 })
      const times = yield* admissionTimes(pacer.before("general"), 11, 50)
      expect(maxInWindow(times, 10_000)).toBeLessThanOrEqual(5)
    })
  )

  it.effect("waits for the reset once the stated budget is spent", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ limit: 5, remaining: 0, resetAtMillis: now + 800 })
      const fiber = yield* Effect.fork(pacer.before("general"))
      yield* TestClock.adjust("799 millis")
      expect((yield* Fiber.poll(fiber))._tag).toBe("None")
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(fiber)).toBe(800)
    })
  )

  it.effect("after the reset, goes on at the stated pace rather than in a burst", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ limit: 5, remaining: 0, resetAtMillis: now + 800 })
      const times = yield* admissionTimes(pacer.before("general"), 11, 5)
      expect(times[0]).toBeGreaterThanOrEqual(800)
      expect(maxInWindow(times, 1_000)).toBeLessThanOrEqual(5)
    })
  )

  it.effect("holds the next call for the reset even when its turn at the stated pace would come sooner", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ limit: 5, remaining: 4, resetAtMillis: now + 1_000 })
      // The window's calls reached the server closer together than they were sent: none left 150 ms early.
      yield* TestClock.adjust("850 millis")
      yield* pacer.after({ limit: 5, remaining: 0, resetAtMillis: now + 1_000 })
      const fiber = yield* Effect.fork(pacer.before("general"))
      yield* TestClock.adjust("149 millis")
      expect((yield* Fiber.poll(fiber))._tag).toBe("None")
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(fiber)).toBe(150)
    })
  )

  it.effect("makes a call already waiting for its turn wait for the reset too when the window runs out", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ limit: 5, remaining: 4, resetAtMillis: now + 1_000 })
      expect(yield* pacer.before("general")).toBe(0)
      // The next two calls' turns are about 206 and 412 ms away; at 100 ms the window turns out to be spent.
      const admittedAt = Effect.zipRight(pacer.before("general"), Clock.currentTimeMillis)
      const waiting = yield* Effect.fork(admittedAt)
      const behind = yield* Effect.fork(admittedAt)
      yield* TestClock.adjust("100 millis")
      yield* pacer.after({ limit: 5, remaining: 0, resetAtMillis: now + 1_000 })
      while ((yield* Fiber.poll(behind))._tag === "None") yield* TestClock.adjust("2 millis")
      const first = yield* Fiber.join(waiting)
      const second = yield* Fiber.join(behind)
      expect(first).toBeGreaterThanOrEqual(1_000)
      expect(first).toBeLessThanOrEqual(1_002)
      // …and the one behind it follows at the pace, not at the same moment.
      expect(second - first).toBeGreaterThanOrEqual(200)
    })
  )

  it.effect("does not slow down while the rest of the window lasts at the stated pace", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      // 4 left for 925 ms at under 5 per second: enough; the call goes at once.
      yield* pacer.after({ limit: 5, remaining: 4, resetAtMillis: now + 925 })
      expect(yield* pacer.before("general")).toBe(0)
    })
  )

  it.effect("spreads the rest of the window when someone else spends the stated budget", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ limit: 600, remaining: 599, resetAtMillis: now + 60_000 })
      // Ten seconds later only 9 of the window's calls are left, 50 s before the reset: 5 s apart.
      yield* TestClock.adjust("10 seconds")
      yield* pacer.after({ limit: 600, remaining: 9, resetAtMillis: now + 60_000 })
      const fiber = yield* Effect.fork(pacer.before("general"))
      yield* TestClock.adjust("4999 millis")
      expect((yield* Fiber.poll(fiber))._tag).toBe("None")
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(fiber)).toBe(5_000)
    })
  )

  it.effect("keeps the configured rate when told not to follow the server", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer({ ...defaultPacing, followServerLimit: false })
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ limit: 1_000, remaining: 999, resetAtMillis: now + 1_000 })
      const times = yield* admissionTimes(pacer.before("general"), 40, 100)
      expect(times.filter((t) => t === times[0])).toHaveLength(10)
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(9_900)
    })
  )

  it.effect("never takes the general pace from a last-active answer, whose budget is its own", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ limit: 200, remaining: 199, resetAtMillis: now + 60_000 }, "lastActive")
      const times = yield* admissionTimes(pacer.before("general"), 40, 100)
      // Still the configured burst of 10 and 3 per second.
      expect(times.filter((t) => t === times[0])).toHaveLength(10)
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(9_900)
    })
  )

  it.effect("keeps last-active calls within 200 a minute whatever general limit the server states", () =>
    Effect.gen(function* () {
      const pacer = yield* makeOrgPacer(defaultPacing)
      const now = yield* Clock.currentTimeMillis
      yield* pacer.after({ limit: 100_000, remaining: 99_999, resetAtMillis: now + 60_000 })
      const times = yield* admissionTimes(pacer.before("lastActive"), 450, 300)
      expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(200)
    })
  )

  it.effect("reads X-RateLimit-Limit with the other headers", () =>
    Effect.sync(() => {
      expect(
        readRateLimitHeaders({
          "x-ratelimit-limit": "300",
          "x-ratelimit-remaining": "12",
          "x-ratelimit-reset": "2026-11-28T18:00:00.000Z"
        })
      ).toEqual({ limit: 300, remaining: 12, resetAtMillis: Date.parse("2026-11-28T18:00:00.000Z") })
      expect(readRateLimitHeaders({ "x-ratelimit-limit": "none" }).limit).toBeUndefined()
    })
  )
})

describe("pacingFromEnv", () => {
  const read = (env: Record<string, string>) =>
    Effect.withConfigProvider(pacingFromEnv, ConfigProvider.fromMap(new Map(Object.entries(env))))

  it.effect("defaults to the documented pacing", () =>
    Effect.gen(function* () {
      expect(yield* read({})).toEqual(defaultPacing)
    })
  )

  it.effect("reads the operator's rate, burst and last-active limit", () =>
    Effect.gen(function* () {
      expect(
        yield* read({
          SEATSYNC_REQUESTS_PER_SECOND: "7.5",
          SEATSYNC_REQUEST_BURST: "20",
          SEATSYNC_LAST_ACTIVE_PER_MINUTE: "100"
        })
      ).toEqual({ ...defaultPacing, requestsPerSecond: 7.5, burst: 20, lastActivePerMinute: 100 })
    })
  )

  it.effect("lets the operator keep the configured rate whatever limit the server states", () =>
    Effect.gen(function* () {
      expect(yield* read({ SEATSYNC_FOLLOW_SERVER_RATE_LIMIT: "false" })).toEqual({
        ...defaultPacing,
        followServerLimit: false
      })
    })
  )

  it.effect("refuses a rate that is not positive, naming the variable", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(read({ SEATSYNC_REQUESTS_PER_SECOND: "0" }))
      expect(String(error)).toMatch(/SEATSYNC_REQUESTS_PER_SECOND/)
      expect(String(error)).toMatch(/positive/)
      const notNumber = yield* Effect.flip(read({ SEATSYNC_REQUEST_BURST: "lots" }))
      expect(String(notNumber)).toMatch(/SEATSYNC_REQUEST_BURST/)
    })
  )
})

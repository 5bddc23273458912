import { describe, expect, it } from "@effect/vitest"
import { Clock, ConfigProvider, Effect, Fiber, TestClock } from "effect"
import { defaultPacing, makeOrgPacer, makeTokenBucket, pacingFromEnv } from "../src/index.js"

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

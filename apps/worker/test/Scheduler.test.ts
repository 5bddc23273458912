/**
 * The scheduling decision under `TestClock`: which slot of which connection is due when, across nights,
 * time zones, daylight-saving changes, missed nights, pauses and pending jobs. No database: `planTick` is
 * Effect code over plain values, as the real tick feeds it.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConnectionId, Connections } from "@seatsync/store"
import { Duration, Effect, Either, Fiber, Option, Ref, Schedule, TestClock } from "effect"
import { latestSlotAtOrBefore, parseSchedule, spreadMillis } from "../src/Slots.js"
import { type DueSlot, planTick } from "../src/Tick.js"

const connection = (
  id: number,
  options: {
    readonly schedule?: string
    readonly timeZone?: string
    readonly createdAt?: Date
    readonly pausedAt?: Date
  } = {}
) =>
  new Connections.Connection({
    id: ConnectionId.make(id),
    name: `org-${id}`,
    orgId: `org-${id}`,
    siteUrl: null,
    guard: "unknown",
    schedule: options.schedule ?? "0 2 * * *",
    timeZone: options.timeZone ?? "UTC",
    inactiveAfterDays: 90,
    apiKeyCiphertext: null,
    jiraEmail: null,
    jiraTokenCiphertext: null,
    pausedAt: options.pausedAt ?? null,
    pausedReason: options.pausedAt === undefined ? null : "InvalidApiKey: rejected",
    consecutiveFailures: options.pausedAt === undefined ? 0 : 3,
    createdAt: options.createdAt ?? new Date("2026-01-01T00:00:00Z"),
    updatedAt: options.createdAt ?? new Date("2026-01-01T00:00:00Z")
  })

const noSpread = Duration.zero

/**
 * The scheduler as the worker runs it, over in-memory state: tick every `every` (the worker ticks every
 * minute; ten keeps days of simulated time fast), and mark each due slot served (a job ran it).
 */
const runScheduler = (
  connections: ReadonlyArray<Connections.Connection>,
  spread: Duration.Duration,
  served: Ref.Ref<ReadonlyMap<number, Date>>,
  enqueued: Ref.Ref<ReadonlyArray<DueSlot>>,
  every: Duration.DurationInput = "10 minutes"
) =>
  Effect.gen(function* () {
    const plan = yield* planTick({
      connections,
      lastServed: yield* Ref.get(served),
      pending: new Set(),
      spread
    })
    for (const due of plan.due) {
      yield* Ref.update(enqueued, (all) => [...all, due])
      yield* Ref.update(served, (map) => new Map([...map, [due.connectionId, due.slot]]))
    }
  }).pipe(Effect.repeat(Schedule.spaced(every)))

describe("planTick", () => {
  it.effect("a night passes in milliseconds: the 02:00 slot is enqueued once, at 02:00 plus the spread", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(new Date("2026-02-10T00:00:00Z"))
      const acme = connection(7)
      const spread = Duration.minutes(5)
      const served = yield* Ref.make<ReadonlyMap<number, Date>>(
        new Map([[7, new Date("2026-02-09T02:00:00Z")]])
      )
      const enqueued = yield* Ref.make<ReadonlyArray<DueSlot>>([])
      const fiber = yield* Effect.fork(runScheduler([acme], spread, served, enqueued))

      yield* TestClock.adjust(Duration.hours(2))
      expect(yield* Ref.get(enqueued)).toEqual([])

      yield* TestClock.adjust(Duration.hours(22))
      const slots = yield* Ref.get(enqueued)
      expect(slots.map((due) => due.slot.toISOString())).toEqual(["2026-02-10T02:00:00.000Z"])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("enqueues at the connection's spread after the slot, not before", () =>
    Effect.gen(function* () {
      const acme = connection(11)
      const spread = spreadMillis(11, Duration.minutes(5))
      const lastServed = new Map([[11, new Date("2026-02-09T02:00:00Z")]])
      const plan = (at: number) =>
        Effect.zipRight(
          TestClock.setTime(at),
          planTick({ connections: [acme], lastServed, pending: new Set(), spread: Duration.minutes(5) })
        )
      const slot = new Date("2026-02-10T02:00:00Z").getTime()
      expect((yield* plan(slot + spread - 1000)).due).toEqual([])
      expect((yield* plan(slot + spread)).due.map((due) => due.slot.getTime())).toEqual([slot])
    })
  )

  it.effect("reads the cron in the connection's time zone", () =>
    Effect.gen(function* () {
      const tokyo = connection(1, { timeZone: "Asia/Tokyo" })
      const newYork = connection(2, { timeZone: "America/New_York" })
      // 02:00 in Tokyo is 17:00 UTC the day before; 02:00 in New York (EST) is 07:00 UTC.
      yield* TestClock.setTime(new Date("2026-02-10T08:00:00Z"))
      const plan = yield* planTick({
        connections: [tokyo, newYork],
        lastServed: new Map(),
        pending: new Set(),
        spread: noSpread
      })
      expect(plan.due.map((due) => [due.connection, due.slot.toISOString()])).toEqual([
        ["org-1", "2026-02-09T17:00:00.000Z"],
        ["org-2", "2026-02-10T07:00:00.000Z"]
      ])
    })
  )

  it.effect("on the spring-forward day (Europe/Berlin) the 02:00 slot runs once, at 03:00 CEST", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(new Date("2026-03-28T12:00:00Z"))
      const berlin = connection(3, { timeZone: "Europe/Berlin" })
      const served = yield* Ref.make<ReadonlyMap<number, Date>>(
        new Map([[3, new Date("2026-03-28T01:00:00Z")]])
      )
      const enqueued = yield* Ref.make<ReadonlyArray<DueSlot>>([])
      const fiber = yield* Effect.fork(runScheduler([berlin], noSpread, served, enqueued))
      yield* TestClock.adjust(Duration.days(3))
      // 28 March is served already; 29 March 02:00 does not exist and becomes 03:00 CEST = 01:00 UTC.
      expect((yield* Ref.get(enqueued)).map((due) => due.slot.toISOString())).toEqual([
        "2026-03-29T01:00:00.000Z",
        "2026-03-30T00:00:00.000Z",
        "2026-03-31T00:00:00.000Z"
      ])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("on the fall-back day (Europe/Berlin) a slot inside the repeated hour runs once", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(new Date("2026-10-24T12:00:00Z"))
      const berlin = connection(4, { schedule: "30 2 * * *", timeZone: "Europe/Berlin" })
      const served = yield* Ref.make<ReadonlyMap<number, Date>>(
        new Map([[4, new Date("2026-10-24T00:30:00Z")]])
      )
      const enqueued = yield* Ref.make<ReadonlyArray<DueSlot>>([])
      const fiber = yield* Effect.fork(runScheduler([berlin], noSpread, served, enqueued))
      yield* TestClock.adjust(Duration.days(2))
      // 02:30 happens twice on 25 October (CEST, then CET); it is served once. Then 02:30 CET = 01:30 UTC.
      expect((yield* Ref.get(enqueued)).map((due) => due.slot.toISOString())).toEqual([
        "2026-10-25T00:30:00.000Z",
        "2026-10-26T01:30:00.000Z"
      ])
      yield* Fiber.interrupt(fiber)
    })
  )

  it.effect("after three missed nights, exactly one slot — the latest — is due", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(new Date("2026-02-13T09:00:00Z"))
      const plan = yield* planTick({
        connections: [connection(5)],
        lastServed: new Map([[5, new Date("2026-02-09T02:00:00Z")]]),
        pending: new Set(),
        spread: noSpread
      })
      expect(plan.due.map((due) => due.slot.toISOString())).toEqual(["2026-02-13T02:00:00.000Z"])
    })
  )

  it.effect(
    "skips paused connections, connections with a pending job, and slots before the connection existed",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(new Date("2026-02-10T09:00:00Z"))
        const plan = yield* planTick({
          connections: [
            connection(1, { pausedAt: new Date("2026-02-08T02:05:00Z") }),
            connection(2),
            connection(3, { createdAt: new Date("2026-02-10T05:00:00Z") }),
            connection(4)
          ],
          lastServed: new Map(),
          pending: new Set([2]),
          spread: noSpread
        })
        expect(plan.due.map((due) => due.connectionId)).toEqual([4])
      })
  )

  it.effect("reports an unreadable schedule instead of enqueueing it", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(new Date("2026-02-10T09:00:00Z"))
      const plan = yield* planTick({
        connections: [
          connection(1, { schedule: "every night" }),
          connection(2, { timeZone: "Mars/Olympus" })
        ],
        lastServed: new Map(),
        pending: new Set(),
        spread: noSpread
      })
      expect(plan.due).toEqual([])
      expect(plan.invalid.map((error) => error.connection)).toEqual(["org-1", "org-2"])
      expect(plan.invalid[0]?.message).toContain("seatsync connect org-1 --update --schedule")
    })
  )

  it.effect("seconds-resolution crons (six fields) work for sub-minute schedules", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(new Date("2026-02-10T09:00:07Z"))
      const plan = yield* planTick({
        connections: [connection(1, { schedule: "*/5 * * * * *" })],
        lastServed: new Map([[1, new Date("2026-02-10T09:00:00Z")]]),
        pending: new Set(),
        spread: noSpread
      })
      expect(plan.due.map((due) => due.slot.toISOString())).toEqual(["2026-02-10T09:00:05.000Z"])
    })
  )
})

describe("spreadMillis", () => {
  it("is deterministic, whole seconds, within 0..spread, and spreads a thousand connections out", () => {
    const spread = Duration.minutes(5)
    const values = Array.from({ length: 1000 }, (_, i) => spreadMillis(i + 1, spread))
    expect(Array.from({ length: 1000 }, (_, i) => spreadMillis(i + 1, spread))).toEqual(values)
    for (const value of values) {
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThanOrEqual(300_000)
      expect(value % 1000).toBe(0)
    }
    // 301 possible seconds: a thousand connections use most of them, none holds more than 2 %.
    const counts = new Map<number, number>()
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
    expect(counts.size).toBeGreaterThan(250)
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(20)
  })

  it("is zero without a spread", () => {
    expect(spreadMillis(42, Duration.zero)).toBe(0)
  })
})

describe("latestSlotAtOrBefore", () => {
  it("includes a slot exactly at the instant and finds none for a cron that never matches", () => {
    const nightly = Either.getOrThrow(parseSchedule({ name: "a", schedule: "0 2 * * *", timeZone: "UTC" }))
    const at = new Date("2026-02-10T02:00:00.400Z").getTime()
    expect(Option.map(latestSlotAtOrBefore(nightly, at), (d) => d.toISOString())).toEqual(
      Option.some("2026-02-10T02:00:00.000Z")
    )
    const never = Either.getOrThrow(parseSchedule({ name: "b", schedule: "0 0 30 2 *", timeZone: "UTC" }))
    expect(latestSlotAtOrBefore(never, at)).toEqual(Option.none())
  })
})

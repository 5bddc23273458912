/**
 * The worker's check that a connection's full sync fits between two of its slots: the gap from a slot to
 * the next in the connection's time zone, the estimate from its last succeeded run at the pacing in force,
 * and one warning line — only when the estimate is longer than the gap — against a real PostgreSQL.
 */
import { describe, expect, it } from "@effect/vitest"
import { defaultPacing, unpaced } from "@seatsync/atlassian-client"
import { Connections, Database, SyncRuns } from "@seatsync/store"
import { planSync } from "@seatsync/sync"
import { Cron, Effect, Either, HashMap, Logger, LogLevel, Option } from "effect"
import { judgeFit, slotGapMillis, warnIfSyncOutlastsSlots } from "../src/ScheduleFit.js"

const cron = (expression: string, zone: string) => Either.getOrThrow(Cron.parse(expression, zone))

/** Runs `effect` with a logger that keeps each warning's message and annotations. */
const collectingWarnings = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const warnings: Array<{ message: string; annotations: Record<string, unknown> }> = []
    const logger = Logger.make(({ logLevel, message, annotations }) => {
      if (logLevel._tag !== LogLevel.Warning._tag) return
      warnings.push({
        message: String(Array.isArray(message) ? message[0] : message),
        annotations: Object.fromEntries(HashMap.toEntries(annotations))
      })
    })
    const value = yield* effect.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
    return { value, warnings }
  })

/** A connection whose last succeeded run staged an organisation of `users` users. */
const syncedConnection = (name: string, schedule: string, users: number) =>
  Effect.gen(function* () {
    const connection = yield* Connections.upsert({
      name,
      orgId: "8f2c6a0e-1b3d-4c5e-9f70-112233445566",
      schedule,
      timeZone: "Europe/Berlin"
    })
    const runId = yield* SyncRuns.start(connection.id, "worker")
    yield* SyncRuns.succeed(runId, {
      entityCounts: {
        "org_user.staged": users,
        "org_group.staged": users / 20,
        "product.staged": 20,
        "product_role.staged": users * 7
      },
      apiCalls: 0,
      retries: 0,
      rateLimited: 0,
      sleptMs: 0
    })
    return connection
  })

describe("slotGapMillis", () => {
  it("is the time to the next slot in the connection's zone, 23 hours across the spring-forward night", () => {
    const daily = cron("0 4 * * *", "Europe/Berlin")
    expect(Option.getOrThrow(slotGapMillis(daily, new Date("2026-11-28T03:00:00Z")))).toBe(86_400_000)
    // 2027-03-28: Berlin moves from +01:00 to +02:00 at 02:00.
    expect(Option.getOrThrow(slotGapMillis(daily, new Date("2027-03-27T03:00:00Z")))).toBe(23 * 3_600_000)
    const quarterly = cron("*/15 * * * *", "UTC")
    expect(Option.getOrThrow(slotGapMillis(quarterly, new Date("2026-11-28T03:00:00Z")))).toBe(900_000)
  })
})

describe("judgeFit", () => {
  const size = {
    users: 100_000,
    groups: 5_000,
    directories: 3,
    workspaces: 20,
    products: 20,
    roleHolders: { _tag: "Estimated", total: 700_000, basis: "previous run" }
  } as const
  it("fails a plan whose least wall time is longer than the gap, passes one that fits", () => {
    const plan = planSync(size, defaultPacing)
    const seconds = plan.wallSeconds ?? Number.NaN
    expect(judgeFit(plan, seconds * 1000 - 1000).fits).toBe(false)
    expect(judgeFit(plan, seconds * 1000).fits).toBe(true)
  })
  it("passes an unpaced plan: nothing bounds it from below", () => {
    expect(judgeFit(planSync(size, unpaced), 1).fits).toBe(true)
  })
})

describe("warnIfSyncOutlastsSlots", () => {
  it.layer(Database.layerThrowaway, { timeout: 120_000 })((it) => {
    it.effect("warns when a large organisation's sync outlasts its 15-minute slots, with the figures", () =>
      Effect.gen(function* () {
        const connection = yield* syncedConnection("big-often", "*/15 * * * *", 100_000)
        const slot = new Date("2026-11-28T03:00:00Z")
        const { value, warnings } = yield* collectingWarnings(
          warnIfSyncOutlastsSlots(connection, slot, defaultPacing)
        )
        const fit = Option.getOrThrow(value)
        expect(fit.fits).toBe(false)
        expect(fit.gapMillis).toBe(900_000)
        expect(warnings).toHaveLength(1)
        expect(warnings[0]?.message).toContain("does not fit between two scheduled slots")
        expect(warnings[0]?.message).toContain("seatsync connect big-often --update --schedule")
        expect(warnings[0]?.annotations).toMatchObject({
          estimatedApiCalls: fit.plan.totalCalls,
          slotGapSeconds: 900
        })
        expect(Number(warnings[0]?.annotations.estimatedSeconds)).toBeGreaterThan(900)
      })
    )

    it.effect("stays silent when the same organisation is synced once a night", () =>
      Effect.gen(function* () {
        const connection = yield* syncedConnection("big-nightly", "0 2 * * *", 100_000)
        const { value, warnings } = yield* collectingWarnings(
          warnIfSyncOutlastsSlots(connection, new Date("2026-11-28T01:00:00Z"), defaultPacing)
        )
        expect(Option.getOrThrow(value).fits).toBe(true)
        expect(warnings).toEqual([])
      })
    )

    it.effect(
      "estimates nothing for a connection that never succeeded: no call to Atlassian to find out",
      () =>
        Effect.gen(function* () {
          const connection = yield* Connections.upsert({
            name: "never-synced",
            orgId: "8f2c6a0e-1b3d-4c5e-9f70-112233445567",
            schedule: "* * * * *"
          })
          const { value, warnings } = yield* collectingWarnings(
            warnIfSyncOutlastsSlots(connection, new Date("2026-11-28T01:00:00Z"), defaultPacing)
          )
          expect(Option.isNone(value)).toBe(true)
          expect(warnings).toEqual([])
        })
    )
  })
})

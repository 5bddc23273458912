/**
 * The scheduling decision for a fleet, under `TestClock`: a tick says when the next slot falls due, so a
 * replica that ticks then enqueues every slot at its due time (not when a minute's cron tick fires), with the
 * deterministic spread; connections sharing an organisation are never enqueued side by side.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConnectionId, Connections } from "@seatsync/store"
import { Duration, Effect, Option, TestClock } from "effect"
import { spreadMillis } from "../src/Slots.js"
import { planTick } from "../src/Tick.js"

const connection = (id: number, orgId = `org-${id}`) =>
  new Connections.Connection({
    id: ConnectionId.make(id),
    name: `c-${id}`,
    orgId,
    siteUrl: null,
    guard: "unknown",
    schedule: "0 2 * * *",
    timeZone: "UTC",
    inactiveAfterDays: 90,
    apiKeyCiphertext: null,
    jiraEmail: null,
    jiraTokenCiphertext: null,
    pausedAt: null,
    pausedReason: null,
    consecutiveFailures: 0,
    createdAt: new Date("2026-01-01T00:00:00Z"),
    updatedAt: new Date("2026-01-01T00:00:00Z")
  })

const night = new Date("2026-02-10T02:00:00Z")

describe("the fleet's schedule", () => {
  it.effect(
    "ticking when the plan says the next slot falls due enqueues 1,000 slots each at its due time",
    () =>
      Effect.gen(function* () {
        const spread = Duration.minutes(5)
        const fleet = Array.from({ length: 1000 }, (_, i) => connection(i + 1))
        const served = new Map<number, Date>(fleet.map((c) => [c.id, new Date("2026-02-09T02:00:00Z")]))
        yield* TestClock.setTime(new Date("2026-02-10T01:59:00Z"))
        const lateness: Array<number> = []
        let ticks = 0
        while (served.size > 0 && ticks < 2000) {
          ticks++
          const plan = yield* planTick({ connections: fleet, lastServed: served, pending: new Set(), spread })
          const now = Number(yield* TestClock.currentTimeMillis)
          for (const due of plan.due) {
            lateness.push(now - due.dueAt.getTime())
            expect(due.dueAt.getTime()).toBe(night.getTime() + spreadMillis(due.connectionId, spread))
            served.set(due.connectionId, due.slot)
          }
          if (lateness.length === fleet.length) break
          // The replica sleeps until the next due time the plan names (the worker's due-time loop).
          const next = Option.getOrThrow(plan.nextDueAt)
          yield* TestClock.setTime(next)
        }
        expect(lateness).toHaveLength(1000)
        expect(Math.max(...lateness)).toBe(0)
        // One tick per distinct due second (a 5-minute spread has 301), not one per connection.
        expect(ticks).toBeLessThanOrEqual(302)
      })
  )

  it.effect(
    "the plan names the next due time even when nothing is due, so no replica waits for a cron tick",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(new Date("2026-02-10T01:00:00Z"))
        const acme = connection(7)
        const plan = yield* planTick({
          connections: [acme],
          lastServed: new Map([[7, new Date("2026-02-09T02:00:00Z")]]),
          pending: new Set(),
          spread: Duration.minutes(5)
        })
        expect(plan.due).toEqual([])
        expect(Option.getOrThrow(plan.nextDueAt).getTime()).toBe(
          night.getTime() + spreadMillis(7, Duration.minutes(5))
        )
      })
  )

  it.effect(
    "connections of one organisation are never enqueued side by side: the lowest id first, the rest deferred",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(new Date("2026-02-10T03:00:00Z"))
        const [a, b, c, other] = [
          connection(1, "shared"),
          connection(2, "shared"),
          connection(3, "shared"),
          connection(4)
        ]
        const connections = [c, other, b, a].filter((x) => x !== undefined)
        const served = new Map<number, Date>()
        const plan = yield* planTick({
          connections,
          lastServed: served,
          pending: new Set(),
          spread: Duration.zero
        })
        expect(plan.due.map((d) => d.connection)).toEqual(["c-1", "c-4"])
        expect(plan.deferred.map((d) => [d.connection, d.orgId, d.busyWith])).toEqual([
          ["c-2", "shared", ["c-1"]],
          ["c-3", "shared", ["c-1"]]
        ])

        // c-1's sync ran and its backfill is pending: its siblings still wait (one rate window).
        served.set(1, night)
        served.set(4, night)
        const duringBackfill = yield* planTick({
          connections,
          lastServed: served,
          pending: new Set(),
          pendingBackfill: new Set([1]),
          spread: Duration.zero
        })
        expect(duringBackfill.due).toEqual([])
        expect(duringBackfill.deferred.map((d) => d.connection)).toEqual(["c-2", "c-3"])

        // The backfill ended: the next sibling goes, the last one still waits for it.
        const after = yield* planTick({
          connections,
          lastServed: served,
          pending: new Set(),
          spread: Duration.zero
        })
        expect(after.due.map((d) => d.connection)).toEqual(["c-2"])
        expect(after.deferred.map((d) => [d.connection, d.busyWith])).toEqual([["c-3", ["c-2"]]])
      })
  )
})

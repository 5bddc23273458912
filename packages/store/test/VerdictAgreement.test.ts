/**
 * One verdict, two implementations: `@seatsync/normalise`'s `classifyInactivity` (TypeScript) and the
 * store's `seatsync.seat_verdict` (SQL, which the reports and the seat ledger use) give the same verdict for
 * the same seat — at the lines to the millisecond, for unknown dates and missing activity, for random
 * cases, and in a session whose time zone changes its clocks (a day is 24 hours in both).
 */
import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { classifyInactivity, ProductActivity, type Verdict } from "@seatsync/normalise"
import { Effect, FastCheck } from "effect"
import * as Database from "../src/Database.js"
import { booleanArray, integerArray, timestampArray } from "../src/internal/pgArray.js"

const DAY = 86_400_000

interface Case {
  readonly now: Date
  readonly inactiveAfterDays: number
  readonly graceDays: number
  readonly addedToOrg: Date | null
  /** undefined: no activity row; null: a row saying never active. */
  readonly lastActiveAt: Date | null | undefined
}

const typescript = (c: Case): Verdict =>
  classifyInactivity(
    { now: c.now, inactiveAfterDays: c.inactiveAfterDays, graceDays: c.graceDays },
    { addedToOrg: c.addedToOrg, claimStatus: null },
    c.lastActiveAt === undefined
      ? undefined
      : new ProductActivity({
          accountId: "a",
          productId: "p",
          lastActiveAt: c.lastActiveAt,
          source: "bulk_expand",
          observedAt: c.now
        })
  ).verdict

/** Every case's SQL verdict in one query, in order. */
const sqlVerdicts = (cases: ReadonlyArray<Case>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const date = (value: Date | null | undefined) => (value instanceof Date ? value : null)
    const rows = yield* sql<{ readonly verdict: string }>`
      SELECT seatsync.seat_verdict(c.last_active_at, c.has_activity, c.added_to_org, c.as_of,
                                   c.inactive_after_days, c.grace_days) AS verdict
      FROM unnest(${timestampArray(cases.map((c) => date(c.lastActiveAt)))}::timestamptz[],
                  ${booleanArray(cases.map((c) => c.lastActiveAt !== undefined))}::boolean[],
                  ${timestampArray(cases.map((c) => c.addedToOrg))}::timestamptz[],
                  ${timestampArray(cases.map((c) => c.now))}::timestamptz[],
                  ${integerArray(cases.map((c) => c.inactiveAfterDays))}::int[],
                  ${integerArray(cases.map((c) => c.graceDays))}::int[])
             WITH ORDINALITY AS c(last_active_at, has_activity, added_to_org, as_of, inactive_after_days,
                                  grace_days, n)
      ORDER BY c.n`
    return rows.map((row) => row.verdict)
  })

const now = new Date("2026-11-28T12:00:00Z")
const ago = (millis: number) => new Date(now.getTime() - millis)
const edges = [
  0,
  1,
  DAY - 1,
  DAY,
  14 * DAY - 1,
  14 * DAY,
  14 * DAY + 1,
  90 * DAY - 1,
  90 * DAY,
  90 * DAY + 1,
  400 * DAY
]

/** Every combination of the lines' edges: joined, last active (or never, or no row), policy. */
const edgeCases: ReadonlyArray<Case> = edges.flatMap((joined) =>
  [...edges.map((since) => ago(since)), null, undefined].flatMap((lastActiveAt) =>
    [
      { inactiveAfterDays: 90, graceDays: 14 },
      { inactiveAfterDays: 30, graceDays: 0 }
    ].flatMap((policy) => [
      { now, ...policy, addedToOrg: ago(joined), lastActiveAt },
      ...(joined === 0 ? [{ now, ...policy, addedToOrg: null, lastActiveAt }] : [])
    ])
  )
)

const arbitraryCase: FastCheck.Arbitrary<Case> = FastCheck.record({
  now: FastCheck.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z") }),
  inactiveAfterDays: FastCheck.integer({ min: 1, max: 400 }),
  graceDays: FastCheck.integer({ min: 0, max: 60 }),
  addedOffset: FastCheck.option(FastCheck.integer({ min: -2 * DAY, max: 500 * DAY })),
  activeOffset: FastCheck.oneof(
    FastCheck.constant<"none">("none"),
    FastCheck.constant<"never">("never"),
    FastCheck.integer({ min: -2 * DAY, max: 500 * DAY })
  )
}).map(({ now, inactiveAfterDays, graceDays, addedOffset, activeOffset }) => ({
  now,
  inactiveAfterDays,
  graceDays,
  addedToOrg: addedOffset === null ? null : new Date(now.getTime() - addedOffset),
  lastActiveAt:
    activeOffset === "none"
      ? undefined
      : activeOffset === "never"
        ? null
        : new Date(now.getTime() - activeOffset)
}))

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("classifyInactivity and seat_verdict", (it) => {
  it.effect(`agree on every combination of the lines' edges (${edgeCases.length} cases)`, () =>
    Effect.gen(function* () {
      const fromSql = yield* sqlVerdicts(edgeCases)
      const disagreements = edgeCases.flatMap((c, index) =>
        typescript(c) === fromSql[index] ? [] : [{ ...c, typescript: typescript(c), sql: fromSql[index] }]
      )
      expect(disagreements).toEqual([])
      // The cases reach every verdict.
      expect(new Set(fromSql)).toEqual(
        new Set(["active", "inactive", "never_active", "no_data", "recently_added"])
      )
    })
  )

  it.effect("agree on 2,000 random seats (dates, policies, missing evidence)", () =>
    Effect.gen(function* () {
      const cases = FastCheck.sample(arbitraryCase, { numRuns: 2000, seed: 13 })
      const fromSql = yield* sqlVerdicts(cases)
      const disagreements = cases.flatMap((c, index) =>
        typescript(c) === fromSql[index] ? [] : [{ ...c, typescript: typescript(c), sql: fromSql[index] }]
      )
      expect(disagreements).toEqual([])
    })
  )

  // Issue 13, found by this test: the 0002 seat_verdict subtracted calendar days in the session's time zone
  // (`make_interval(days => n)`), so across a daylight-saving change its line moved by an hour while
  // classifyInactivity counts 24-hour days. Migration 0007 counts 24-hour days in SQL too.
  it.effect("agree in a session whose time zone has daylight saving (the line across a clock change)", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      // 90 days before 2026-06-15 crosses Europe/Berlin's change to summer time (2026-03-29); 14 days before
      // 2026-11-05 crosses its change back (2026-10-25). Half-hour steps either side of each line.
      const june = new Date("2026-06-15T12:00:00Z")
      const november = new Date("2026-11-05T12:00:00Z")
      const steps = [-3, -2, -1, 0, 1, 2, 3]
      const cases: ReadonlyArray<Case> = [
        ...steps.map((step) => ({
          now: june,
          inactiveAfterDays: 90,
          graceDays: 14,
          addedToOrg: new Date(june.getTime() - 400 * DAY),
          lastActiveAt: new Date(june.getTime() - 90 * DAY + step * 1_800_000)
        })),
        ...steps.map((step) => ({
          now: november,
          inactiveAfterDays: 30,
          graceDays: 14,
          addedToOrg: new Date(november.getTime() - 14 * DAY + step * 1_800_000),
          lastActiveAt: null
        }))
      ]
      const inBerlin = yield* sql.withTransaction(
        Effect.zipRight(sql`SET LOCAL TIME ZONE 'Europe/Berlin'`, sqlVerdicts(cases))
      )
      expect(inBerlin).toEqual(cases.map(typescript))
      // The cases straddle both lines: each side of each is reached.
      expect(new Set(inBerlin)).toEqual(new Set(["active", "inactive", "recently_added", "never_active"]))
      // And the session's time zone no longer matters at all.
      const inUtc = yield* sql.withTransaction(
        Effect.zipRight(sql`SET LOCAL TIME ZONE 'UTC'`, sqlVerdicts(cases))
      )
      expect(inUtc).toEqual(inBerlin)
    })
  )
})

/**
 * `seat_counts` (the seat ledger and utilisation view) counts its 30/60/90-day activity windows in exact
 * 24-hour days, as `seat_verdict` does: in a session whose time zone changed its clocks inside the window,
 * a seat last active half an hour before the exact line is outside it — not active in the last 30 days, and
 * a reclaim candidate at a 30-day threshold — whereas a calendar interval would have counted it active.
 */
import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Database from "../src/Database.js"
import { makeConnection, makeUser } from "./fixtures.js"
import { makeActivity, makeProduct, makeRole, type Org, syncOrg } from "./orgFixtures.js"

const HOUR = 3_600_000
const DAY = 24 * HOUR
const jira = makeProduct("jira-software", 10)
// Europe/Berlin left summer time on 2026-10-25: the 30, 60 and 90 days before this moment all span it.
const asOf = new Date("2026-11-01T12:00:00Z")
/** Last active `days` exact days and half an hour before `asOf`: just outside a window of `days` days. */
const justOutside = (days: number) => new Date(asOf.getTime() - days * DAY - HOUR / 2)
const users = ["d30", "d60", "d90"].map((id) =>
  makeUser(id, { addedToOrg: new Date("2025-01-01T00:00:00Z") })
)
const org: Org = {
  products: [jira],
  users,
  groups: [],
  memberships: [],
  roles: users.map((user) => makeRole(user.accountId, jira)),
  activity: [
    makeActivity("d30", jira, justOutside(30), asOf),
    makeActivity("d60", jira, justOutside(60), asOf),
    makeActivity("d90", jira, justOutside(90), asOf)
  ]
}

const Counts = Schema.Struct({
  active30: Schema.Int,
  active60: Schema.Int,
  active90: Schema.Int,
  reclaimable: Schema.Int
})

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("seat_counts across a DST change", (it) => {
  it.effect("the activity windows are exact 24-hour days in any session time zone", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const connection = yield* makeConnection("dst")
      yield* syncOrg(connection.id, org)
      const countsIn = (timeZone: string) =>
        sql.withTransaction(
          Effect.gen(function* () {
            yield* sql`SELECT set_config('TimeZone', ${timeZone}, true)`
            const rows = yield* sql`
              SELECT active_30 AS "active30", active_60 AS "active60", active_90 AS "active90", reclaimable
              FROM seatsync.seat_counts(${connection.id}, ${asOf}::timestamptz, 30, 14)
              WHERE product_id = ${jira.productId}`
            return yield* Schema.decodeUnknown(Schema.Array(Counts))(rows)
          })
        )
      // The scenario must exercise the change: a calendar interval in Berlin lets d30 in.
      const calendar = yield* sql.withTransaction(
        Effect.gen(function* () {
          yield* sql`SELECT set_config('TimeZone', 'Europe/Berlin', true)`
          return yield* sql<{ readonly inside: boolean }>`
            SELECT ${justOutside(30)}::timestamptz > ${asOf}::timestamptz - interval '30 days' AS inside`
        })
      )
      expect(calendar).toEqual([{ inside: true }])
      // d30 is outside the 30 days (and so a candidate at 30), inside 60 and 90; d60 inside 90 only.
      const expected = [{ active30: 0, active60: 1, active90: 2, reclaimable: 3 }]
      expect(yield* countsIn("Europe/Berlin")).toEqual(expected)
      expect(yield* countsIn("UTC")).toEqual(expected)
    })
  )
})

/**
 * How often someone is active: the distinct days within the last 90 among the last-active dates the nightly
 * runs observed — an occasional user is not a dormant one. A date seen again, or a later time on the same
 * day, is not another day; a date older than the window does not count; no activity data is unknown
 * (absent), never 0, while "never active" is 0.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as ActivityFrequency from "../src/ActivityFrequency.js"
import * as Database from "../src/Database.js"
import { makeConnection, makeUser } from "./fixtures.js"
import { DAY, makeActivity, makeProduct, makeRole, type Org, syncOrg } from "./orgFixtures.js"

const jira = makeProduct("jira-software", 10)
const wiki = makeProduct("confluence", null)
const asOf = new Date("2026-11-29T06:00:00Z")
const ago = (days: number, hours = 0) => new Date(asOf.getTime() - days * DAY + hours * 3_600_000)

const orgSeeing = (occasional: Date | null, dormant: Date | null, observedAt: Date): Org => ({
  products: [jira, wiki],
  users: ["occasional", "dormant", "never", "unknown"].map((id) => makeUser(id)),
  groups: [],
  memberships: [],
  roles: ["occasional", "dormant", "never", "unknown"].map((id) => makeRole(id, jira)),
  activity: [
    makeActivity("occasional", jira, occasional, observedAt),
    makeActivity("occasional", wiki, ago(200), observedAt),
    makeActivity("dormant", jira, dormant, observedAt),
    makeActivity("never", jira, null, observedAt)
  ]
})

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("ActivityFrequency", (it) => {
  it.effect("counts the distinct days in the window on which the last-active date moved", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      // Six nightly runs; what each saw as the last-active date.
      const nights: ReadonlyArray<readonly [Date, Date]> = [
        [ago(100), ago(120)],
        [ago(40), ago(120)],
        [ago(40), ago(120)], // the same date seen again
        [ago(10), ago(120)],
        [ago(10, 3), ago(120)], // later on the same day
        [ago(2), ago(120)]
      ]
      for (const [index, [occasional, dormant]] of nights.entries()) {
        const night = ago(nights.length - index)
        yield* syncOrg(connection.id, orgSeeing(occasional, dormant, night), { today: night })
      }
      const rows = yield* ActivityFrequency.activeDays(connection.id, {
        accountIds: ["occasional", "dormant", "never", "unknown"],
        asOf
      })
      expect(rows).toEqual([
        { accountId: "dormant", productId: jira.productId, activeDays: 0 },
        { accountId: "never", productId: jira.productId, activeDays: 0 },
        { accountId: "occasional", productId: wiki.productId, activeDays: 0 },
        // 40, 10 and 2 days ago; 100 days ago is outside the window.
        { accountId: "occasional", productId: jira.productId, activeDays: 3 }
      ])

      // A shorter window, and only the accounts asked about.
      expect(
        yield* ActivityFrequency.activeDays(connection.id, { accountIds: ["occasional"], asOf, days: 30 })
      ).toEqual([
        { accountId: "occasional", productId: wiki.productId, activeDays: 0 },
        { accountId: "occasional", productId: jira.productId, activeDays: 2 }
      ])
      expect(yield* ActivityFrequency.activeDays(connection.id, { accountIds: [], asOf })).toEqual([])
    })
  )
})

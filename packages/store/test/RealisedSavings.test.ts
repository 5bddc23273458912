/**
 * After a reclaim candidate's billed seat is taken away, the saving is realised on the day of the run that
 * removed it, at the price in force that day, until the seat comes back — unless a billable role on that
 * product comes back within 30 days, which is a re-grant flagged with how it was granted and the group the
 * person joined. Seats of people who were not candidates, seats still held through another billable role,
 * and seats of people already suspended (billed by no one) are neither.
 */
import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { type OrgUser, ProductRole } from "@seatsync/normalise"
import { Effect } from "effect"
import * as Database from "../src/Database.js"
import type { ConnectionId } from "../src/Ids.js"
import * as Prices from "../src/Prices.js"
import * as Protection from "../src/Protection.js"
import * as RealisedSavings from "../src/RealisedSavings.js"
import * as RunMerge from "../src/RunMerge.js"
import * as SyncRuns from "../src/SyncRuns.js"
import { makeConnection, makeUser } from "./fixtures.js"
import {
  allComplete,
  DAY,
  makeActivity,
  makeGroup,
  makeMembership,
  makeProduct,
  makeRole,
  type Org,
  stageOrg
} from "./orgFixtures.js"

const jira = makeProduct("jira-software", 10)
const start = new Date("2026-07-01T02:00:00Z")
const on = (days: number) => new Date(start.getTime() + days * DAY)

/** One run as the nightly sync makes it: started on `day`, measuring activity against that moment. */
const syncOn = (connectionId: ConnectionId, org: Org, day: Date) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const runId = yield* SyncRuns.start(connectionId, "cli")
    yield* sql`UPDATE seatsync.sync_run SET started_at = ${day} WHERE id = ${runId}`
    yield* stageOrg(runId, connectionId, org)
    yield* RunMerge.mergeRun(runId, connectionId, { complete: allComplete, today: day, force: true })
    return runId
  })

const users: ReadonlyArray<OrgUser> = [
  ...["gone", "back", "late", "busy", "twice", "kept", "quit"].map((id) =>
    makeUser(id, { addedToOrg: on(-400) })
  ),
  makeUser("away", { addedToOrg: on(-400), status: "suspended", membershipStatus: "suspended" })
]
/** The same people, `quit` suspended (after the run that took its seat). */
const usersQuitSuspended: ReadonlyArray<OrgUser> = users.map((user) =>
  user.accountId === "quit"
    ? makeUser("quit", { addedToOrg: on(-400), status: "suspended", membershipStatus: "suspended" })
    : user
)
const groupRole = (accountId: string) =>
  new ProductRole({
    accountId,
    productId: jira.productId,
    roleId: "atlassian/user",
    billable: true,
    grantedVia: ["group"]
  })

/**
 * gone: idle 200 days, loses the role for good; back: never active, loses it and gets it again ten days later
 * through the group `jira-users`; late: idle, loses it, gets it back directly 46 days later and loses it
 * again five days after that; busy: active five days before, loses it (not a candidate); twice: idle, loses
 * its admin role but keeps the user role; away: suspended (so not billed) but still holding the role, loses
 * it (no saving); kept: idle but protected by a reviewer, loses it (never a candidate); quit: idle, loses it
 * while active, and is suspended ten days later (still a saving: the seat was billed until the removal).
 */
const baseline: Org = {
  products: [jira],
  users,
  groups: [makeGroup("jira-users")],
  memberships: [],
  roles: [
    makeRole("gone", jira),
    makeRole("back", jira),
    makeRole("late", jira),
    makeRole("busy", jira),
    makeRole("twice", jira),
    makeRole("twice", jira, "atlassian/admin"),
    makeRole("away", jira),
    makeRole("kept", jira),
    makeRole("quit", jira)
  ],
  activity: [
    makeActivity("gone", jira, on(-200), start),
    makeActivity("back", jira, null, start),
    makeActivity("late", jira, on(-150), start),
    makeActivity("busy", jira, on(-5), start),
    makeActivity("twice", jira, on(-300), start),
    makeActivity("away", jira, on(-5), start),
    makeActivity("kept", jira, on(-200), start),
    makeActivity("quit", jira, on(-120), start)
  ]
}
const removed: Org = { ...baseline, roles: [makeRole("twice", jira)], activity: [] }
const regranted: Org = {
  ...removed,
  users: usersQuitSuspended,
  memberships: [makeMembership("back", "jira-users")],
  roles: [...removed.roles, groupRole("back")]
}
const lateReturn: Org = { ...regranted, roles: [...regranted.roles, makeRole("late", jira)] }
const lateGoneAgain: Org = regranted

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("RealisedSavings", (it) => {
  it.effect("a removed candidate seat is saved at that day's price, unless it came back within 30 days", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      yield* Prices.setAll(connection.id, [
        {
          productId: jira.productId,
          effectiveFrom: "2026-01-01",
          currency: "EUR",
          pricePerSeat: 7.75,
          billingPeriod: "monthly",
          renewalDate: null,
          setBy: null
        },
        {
          productId: jira.productId,
          effectiveFrom: "2026-07-05",
          currency: "EUR",
          pricePerSeat: 8.6,
          billingPeriod: "monthly",
          renewalDate: null,
          setBy: null
        }
      ])
      yield* syncOn(connection.id, baseline, start)
      yield* Protection.protect(
        connection.id,
        { kind: "account", id: "kept" },
        { reason: "service account", setBy: "test" }
      )
      const removing = yield* syncOn(connection.id, removed, on(9))
      // Not away: suspended, its seat was billed by no one, so taking it away saves nothing.
      expect((yield* RealisedSavings.removals(connection.id)).map((row) => row.accountId)).toEqual([
        "back",
        "gone",
        "late",
        "quit"
      ])

      yield* syncOn(connection.id, regranted, on(19))
      yield* syncOn(connection.id, lateReturn, on(55))
      const removingAgain = yield* syncOn(connection.id, lateGoneAgain, on(60))
      const rows = yield* RealisedSavings.removals(connection.id)
      const byAccount = new Map(rows.map((row) => [row.accountId, row]))
      expect([...byAccount.keys()].sort()).toEqual(["back", "gone", "late", "quit"])
      // Suspended after the run that took its seat: the seat was billed until then, so it is a saving.
      expect(byAccount.get("quit")).toMatchObject({
        outcome: "realised",
        until: null,
        lastActiveAt: on(-120)
      })

      const gone = byAccount.get("gone")
      expect(gone).toMatchObject({
        outcome: "realised",
        productId: jira.productId,
        productKey: "jira-software",
        roles: ["atlassian/user"],
        runId: removing,
        removedOn: "2026-07-10",
        lastActiveAt: on(-200),
        // The price in force on the day of the removal, not the first one.
        currency: "EUR",
        pricePerSeat: 8.6,
        billingPeriod: "monthly",
        backAt: null,
        until: null,
        backGrantedVia: [],
        backGroups: []
      })

      expect(byAccount.get("back")).toMatchObject({
        outcome: "regranted",
        removedOn: "2026-07-10",
        lastActiveAt: null,
        backAt: on(19),
        until: null,
        backRoleId: "atlassian/user",
        backGrantedVia: ["group"],
        backGroups: ["jira-users"]
      })

      // Back after 46 days: the saving stood for more than the window, so it was realised — until the day
      // the seat came back, billed again from then. Taken away again five days later: a second saving, the
      // only one still standing.
      expect(rows.filter((row) => row.accountId === "late")).toMatchObject([
        { outcome: "realised", removedOn: "2026-07-10", backAt: on(55), until: "2026-08-25", backGroups: [] },
        { outcome: "realised", runId: removingAgain, removedOn: "2026-08-30", backAt: null, until: null }
      ])

      // Only removals after `since`.
      expect(
        (yield* RealisedSavings.removals(connection.id, { since: on(10) })).map((row) => row.runId)
      ).toEqual([removingAgain])
    })
  )

  it.effect("a product without a price in force that day has an unknown saving, never 0", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      yield* Prices.set(connection.id, {
        productId: jira.productId,
        effectiveFrom: "2026-08-01",
        currency: "EUR",
        pricePerSeat: 7.75,
        billingPeriod: "monthly",
        renewalDate: null,
        setBy: null
      })
      yield* syncOn(connection.id, baseline, start)
      yield* syncOn(connection.id, removed, on(9))
      const rows = yield* RealisedSavings.removals(connection.id)
      // gone, back, late, kept and quit (no one protected here; away was not billed).
      expect(rows.length).toBe(5)
      for (const row of rows) {
        expect(row).toMatchObject({
          outcome: "realised",
          currency: null,
          pricePerSeat: null,
          billingPeriod: null
        })
      }
    })
  )
})

import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Rejected } from "@seatsync/normalise"
import { Effect, Option } from "effect"
import * as Checkpoints from "../src/Checkpoints.js"
import * as Connections from "../src/Connections.js"
import * as Database from "../src/Database.js"
import * as ProductActivities from "../src/ProductActivities.js"
import * as Quarantine from "../src/Quarantine.js"
import * as Reports from "../src/Reports.js"
import * as RunMerge from "../src/RunMerge.js"
import * as SyncRuns from "../src/SyncRuns.js"
import { makeConnection, makeUser } from "./fixtures.js"
import {
  allComplete,
  DAY,
  makeActivity,
  makeProduct,
  makeRole,
  type Org,
  stageOrg,
  syncOrg
} from "./orgFixtures.js"

const now = new Date()
const ago = (days: number) => new Date(now.getTime() - days * DAY)
const jira = makeProduct("jira-software", 10)
const wiki = makeProduct("confluence", null)

/**
 * The hand-computed organisation (inactive after 90 days, 14 grace days):
 * jira: u1 active 5d, u2 active 45d, u3 admin 100d (inactive), u4 never active, u5 no activity row,
 *       u6 added 3 days ago and never active (recently added), u7 guest (not billable), u8 suspended;
 * wiki: u1, last active 200 days ago (inactive).
 * jira → assigned 8, billable 6, active 30/60/90 = 1/2/2, never active 2 (u4, u6), reclaimable 2 (u3, u4).
 * wiki → assigned 1, billable 1, active 0/0/0, never active 0, reclaimable 1 (u1).
 */
const fixedOrg: Org = {
  products: [jira, wiki],
  users: [
    makeUser("u1", { addedToOrg: ago(400) }),
    makeUser("u2", { addedToOrg: ago(400) }),
    makeUser("u3", { addedToOrg: ago(400), claimStatus: "unmanaged" }),
    makeUser("u4", { addedToOrg: ago(400) }),
    makeUser("u5", { addedToOrg: ago(400) }),
    makeUser("u6", { addedToOrg: ago(3) }),
    makeUser("u7", { addedToOrg: ago(400) }),
    makeUser("u8", { addedToOrg: ago(400), status: "suspended", membershipStatus: "suspended" })
  ],
  groups: [],
  memberships: [],
  roles: [
    makeRole("u1", jira),
    makeRole("u2", jira),
    makeRole("u3", jira, "atlassian/admin"),
    makeRole("u4", jira),
    makeRole("u5", jira),
    makeRole("u6", jira),
    makeRole("u7", jira, "atlassian/guest", false),
    makeRole("u8", jira),
    makeRole("u1", wiki)
  ],
  activity: [
    makeActivity("u1", jira, ago(5), now),
    makeActivity("u2", jira, ago(45), now),
    makeActivity("u3", jira, ago(100), now),
    makeActivity("u4", jira, null, now, "per_user"),
    makeActivity("u6", jira, null, now),
    makeActivity("u7", jira, ago(200), now),
    makeActivity("u1", wiki, ago(200), now)
  ]
}

const expectedJira = {
  capacity: 10,
  assigned: 8,
  billable: 6,
  active30: 1,
  active60: 2,
  active90: 2,
  neverActive: 2,
  reclaimable: 2
}
const expectedWiki = {
  capacity: null,
  assigned: 1,
  billable: 1,
  active30: 0,
  active60: 0,
  active90: 0,
  neverActive: 0,
  reclaimable: 1
}

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("Reports", (it) => {
  it.effect(
    "the seat ledger and the utilisation view give the hand-computed numbers; a same-day re-run replaces the day",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const connection = yield* makeConnection()
        yield* syncOrg(connection.id, fixedOrg, { today: now })
        const ledger = yield* sql<Record<string, unknown>>`
        SELECT product_id AS "productId", capacity, assigned, billable, active_30 AS "active30", active_60 AS "active60",
               active_90 AS "active90", never_active AS "neverActive", reclaimable
        FROM seatsync.seat_ledger WHERE connection_id = ${connection.id} ORDER BY product_id`
        expect(ledger).toEqual([
          { productId: wiki.productId, ...expectedWiki },
          { productId: jira.productId, ...expectedJira }
        ])
        const utilisation = yield* Reports.seatUtilisation(connection.id)
        expect(
          utilisation.map(
            ({
              productKey,
              capacity,
              assigned,
              billable,
              active30,
              active60,
              active90,
              neverActive,
              reclaimable,
              utilisation
            }) => ({
              productKey,
              capacity,
              assigned,
              billable,
              active30,
              active60,
              active90,
              neverActive,
              reclaimable,
              utilisation
            })
          )
        ).toEqual([
          { productKey: "confluence", ...expectedWiki, utilisation: null },
          { productKey: "jira-software", ...expectedJira, utilisation: 0.6 }
        ])
        // u3 starts using Jira again; the same day's ledger row is replaced, not duplicated.
        const back = {
          ...fixedOrg,
          activity: [...fixedOrg.activity, makeActivity("u3", jira, ago(1), new Date(now.getTime() + 1000))]
        }
        const rerun = yield* syncOrg(connection.id, back, { today: now })
        expect(rerun.result.ledgerRows).toBe(1)
        const day = yield* sql<{ readonly n: number; readonly reclaimable: number; readonly runId: string }>`
        SELECT count(*) OVER ()::int AS n, reclaimable, run_id AS "runId" FROM seatsync.seat_ledger
        WHERE connection_id = ${connection.id} AND product_id = ${jira.productId}`
        expect(day).toEqual([{ n: 1, reclaimable: 1, runId: String(rerun.runId) }])
      })
  )

  it.effect("reclaim candidates carry their evidence, by the given inactivity threshold", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      yield* syncOrg(connection.id, fixedOrg, { today: now })
      const candidates = yield* Reports.reclaimCandidates(connection.id, { inactiveAfterDays: 90, asOf: now })
      expect(
        candidates.map((c) => [
          c.accountId,
          c.productKey,
          c.verdict,
          c.daysSinceActive,
          c.activitySource,
          c.managed
        ])
      ).toEqual([
        ["u4", "jira-software", "never_active", null, "per_user", true],
        ["u1", "confluence", "inactive", 200, "bulk_expand", true],
        ["u3", "jira-software", "inactive", 100, "bulk_expand", false]
      ])
      expect(candidates[2]).toMatchObject({
        roles: ["atlassian/admin"],
        daysSinceAdded: 400,
        accountType: "atlassian"
      })
      // With a 30-day threshold u2 (45 days) joins them.
      const stricter = yield* Reports.reclaimCandidates(connection.id, { inactiveAfterDays: 30, asOf: now })
      expect(stricter.map((c) => c.accountId)).toContain("u2")
      // The view uses the connection's own setting (90 days) and now.
      const sql = yield* SqlClient.SqlClient
      const view = yield* sql<{ readonly accountId: string; readonly verdict: string }>`
        SELECT account_id AS "accountId", verdict FROM seatsync.v_reclaim_candidates
        WHERE connection_id = ${connection.id} ORDER BY account_id, product_id`
      expect(view).toEqual([
        { accountId: "u1", verdict: "inactive" },
        { accountId: "u3", verdict: "inactive" },
        { accountId: "u4", verdict: "never_active" }
      ])
    })
  )

  it.effect(
    "utilisation with an overriding threshold, the ledger day by day, and each connection's health",
    () =>
      Effect.gen(function* () {
        const connection = yield* makeConnection()
        // Yesterday u3 was idle (100 days); today it is back: its Jira seat is no longer reclaimable.
        const first = yield* syncOrg(connection.id, fixedOrg, { today: ago(1) })
        const today = {
          ...fixedOrg,
          activity: [...fixedOrg.activity, makeActivity("u3", jira, ago(1), new Date(now.getTime() + 1000))]
        }
        yield* syncOrg(connection.id, today, { today: now })

        const own = yield* Reports.seatUtilisation(connection.id)
        expect(own.map((row) => [row.productKey, row.inactiveAfterDays, row.reclaimable])).toEqual([
          ["confluence", 90, 1],
          ["jira-software", 90, 1]
        ])
        // At 30 days u2 (45 days idle) is reclaimable too; the connection's stored 90 is untouched.
        const stricter = yield* Reports.seatUtilisation(connection.id, { inactiveAfterDays: 30 })
        expect(stricter.map((row) => [row.productKey, row.inactiveAfterDays, row.reclaimable])).toEqual([
          ["confluence", 30, 1],
          ["jira-software", 30, 2]
        ])
        expect((yield* Reports.seatUtilisation(connection.id))[1]?.reclaimable).toBe(1)
        // A month on, nobody has been active in the last 30 days (u1 5 + 30, u3 1 + 30 days ago).
        const later = yield* Reports.seatUtilisation(connection.id, {
          asOf: new Date(now.getTime() + 30 * DAY)
        })
        expect(later.map((row) => [row.productKey, row.active30])).toEqual([
          ["confluence", 0],
          ["jira-software", 0]
        ])

        const ledger = yield* Reports.seatLedger(connection.id)
        const day = (date: Date) => date.toISOString().slice(0, 10)
        expect(ledger.map((row) => [row.productKey, row.day, row.billable, row.reclaimable])).toEqual([
          ["confluence", day(ago(1)), 1, 1],
          ["confluence", day(now), 1, 1],
          ["jira-software", day(ago(1)), 6, 2],
          ["jira-software", day(now), 6, 1]
        ])
        expect(ledger[0]).toMatchObject({ connectionName: connection.name, productName: wiki.name })

        yield* Connections.recordFailure(connection.id, { reason: "the API key was rejected", pauseAfter: 1 })
        const [health] = yield* Reports.connectionHealth(connection.id)
        expect(health).toMatchObject({
          connectionName: connection.name,
          pausedReason: "the API key was rejected",
          consecutiveFailures: 1,
          lastRunStatus: "succeeded",
          lastErrorTag: null
        })
        expect(health?.pausedAt).toBeInstanceOf(Date)
        expect(health?.lastSuccessAt).toBeInstanceOf(Date)
        expect(health?.lastRunId).toBeGreaterThan(first.runId)
        const everyone = yield* Reports.connectionHealth()
        expect(everyone.map((row) => row.connectionName)).toContain(connection.name)
      })
  )

  it.effect("quarantined records are stored with the reason and counted in the run and its history", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const runId = yield* SyncRuns.start(connection.id, "cli")
      const rejected = [
        new Rejected({
          entity: "org_user",
          sourceKey: null,
          reason: "accountId is missing",
          record: { name: "x" }
        }),
        new Rejected({
          entity: "product_role",
          sourceKey: "u1|ari",
          reason: "resource ari is not a product",
          record: { resourceId: "ari" }
        })
      ]
      expect(yield* Quarantine.record(runId, connection.id, rejected)).toBe(2)
      yield* stageOrg(runId, connection.id, fixedOrg)
      const merged = yield* RunMerge.mergeRun(runId, connection.id, {
        complete: allComplete,
        today: now,
        stats: { entityCounts: { "org_user.seen": 9 }, apiCalls: 7, retries: 1, rateLimited: 0, sleptMs: 0 }
      })
      expect(merged.quarantined).toBe(2)
      expect(merged.run.entityCounts).toMatchObject({
        quarantined: 2,
        "org_user.seen": 9,
        "org_user.inserted": 8
      })
      expect((yield* Quarantine.list(runId)).map((q) => [q.entity, q.reason, q.record])).toEqual([
        ["org_user", "accountId is missing", { name: "x" }],
        ["product_role", "resource ari is not a product", { resourceId: "ari" }]
      ])
      const [health] = yield* Reports.runHistory(connection.id, 5)
      expect(health).toMatchObject({
        runId,
        status: "succeeded",
        quarantined: 2,
        apiCalls: 7,
        errorTag: null
      })
      const failed = yield* SyncRuns.start(connection.id, "cli")
      yield* SyncRuns.fail(failed, { _tag: "Forbidden", message: "missing scope" }, SyncRuns.emptyStats)
      expect((yield* Reports.runHistory(connection.id, 1))[0]).toMatchObject({
        runId: failed,
        errorTag: "Forbidden",
        errorMessage: "missing scope"
      })
    })
  )

  it.effect(
    "lists users whose activity is missing or stale, most stale first; checkpoints save and load",
    () =>
      Effect.gen(function* () {
        const connection = yield* makeConnection()
        const old = ago(10)
        const org: Org = {
          ...fixedOrg,
          activity: [
            makeActivity("u1", jira, ago(5), now),
            makeActivity("u1", wiki, ago(5), now),
            makeActivity("u2", jira, ago(5), old),
            makeActivity("u3", jira, ago(5), ago(20))
          ]
        }
        yield* syncOrg(connection.id, org, { today: now })
        const stale = yield* ProductActivities.staleUsers(connection.id, { staleBefore: ago(1), limit: 4 })
        // u4..u8 have no row at all (first, by account), then u3 (20 days), then u2 (10 days): limit 4.
        expect(stale.map((s) => s.accountId)).toEqual(["u4", "u5", "u6", "u7"])
        const all = yield* ProductActivities.staleUsers(connection.id, { staleBefore: ago(1), limit: 100 })
        expect(all.map((s) => [s.accountId, s.oldestObservedAt])).toEqual([
          ["u4", null],
          ["u5", null],
          ["u6", null],
          ["u7", null],
          ["u8", null],
          ["u3", ago(20)],
          ["u2", old]
        ])
        expect(yield* Checkpoints.load(connection.id, "last-active")).toEqual(Option.none())
        yield* Checkpoints.save(connection.id, "last-active", "u3")
        yield* Checkpoints.save(connection.id, "last-active", "u5")
        expect(yield* Checkpoints.load(connection.id, "last-active")).toEqual(Option.some("u5"))
        yield* Checkpoints.clear(connection.id, "last-active")
        expect(yield* Checkpoints.load(connection.id, "last-active")).toEqual(Option.none())
      })
  )
})

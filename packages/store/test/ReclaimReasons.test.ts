/**
 * Reclaim candidates by reason, and protection: a hand-made organisation in which each reason has one
 * account — inactive, never active, suspended and closed accounts still holding a billable role, two probable
 * duplicate people — and two idle accounts a reviewer protected (one itself, one through a group). Each row
 * is (account, product, reason); a seat can appear under two reasons; protected accounts are left out and
 * counted, by the typed query and by the consumer views.
 */
import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Database from "../src/Database.js"
import * as Protection from "../src/Protection.js"
import * as ReclaimReasons from "../src/ReclaimReasons.js"
import * as Reports from "../src/Reports.js"
import { makeConnection, makeUser } from "./fixtures.js"
import {
  DAY,
  makeActivity,
  makeGroup,
  makeMembership,
  makeProduct,
  makeRole,
  type Org,
  syncOrg
} from "./orgFixtures.js"

const now = new Date()
const ago = (days: number) => new Date(now.getTime() - days * DAY)
const jira = makeProduct("jira-software", 20)
const wiki = makeProduct("confluence", null)
const old = ago(400)

const org: Org = {
  products: [jira, wiki],
  users: [
    makeUser("u1", { addedToOrg: old }),
    makeUser("u2", { addedToOrg: old }),
    makeUser("u3", { addedToOrg: old }),
    makeUser("u4", { addedToOrg: old, status: "suspended", membershipStatus: "suspended" }),
    makeUser("u5", { addedToOrg: old, status: "deactivated", accountStatus: "inactive" }),
    // One person, two accounts: same local part once `+old` and the dots go, same name but for spacing.
    makeUser("u6", {
      addedToOrg: old,
      name: "Jane Doe",
      email: "jane.doe@acme.com",
      emailDomain: "acme.com"
    }),
    makeUser("u7", {
      addedToOrg: old,
      name: " Jane  Doe",
      email: "Jane.Doe+old@other.org",
      emailDomain: "other.org",
      claimStatus: "unmanaged"
    }),
    // One address on a managed and an unmanaged account, different names.
    makeUser("u8", { addedToOrg: old, name: "Sam Smith", email: "sam@acme.com", emailDomain: "acme.com" }),
    makeUser("u9", {
      addedToOrg: old,
      name: "Samuel",
      email: "SAM@acme.com",
      emailDomain: "acme.com",
      claimStatus: "unmanaged"
    }),
    // Same name as u6 but another local part: not a duplicate.
    makeUser("u12", { addedToOrg: old, name: "Jane Doe", email: "jdoe@acme.com", emailDomain: "acme.com" }),
    makeUser("u10", { addedToOrg: old }),
    makeUser("u11", { addedToOrg: old })
  ],
  groups: [makeGroup("service-accounts"), makeGroup("everyone")],
  memberships: [makeMembership("u11", "service-accounts"), makeMembership("u2", "everyone")],
  roles: [
    makeRole("u1", jira),
    makeRole("u2", jira),
    makeRole("u3", jira),
    makeRole("u4", jira),
    makeRole("u5", jira),
    makeRole("u6", jira),
    makeRole("u7", jira),
    makeRole("u7", wiki),
    makeRole("u8", wiki),
    makeRole("u9", wiki),
    makeRole("u12", jira),
    makeRole("u10", jira),
    makeRole("u11", jira)
  ],
  activity: [
    makeActivity("u1", jira, ago(5), now),
    makeActivity("u2", jira, ago(100), now),
    makeActivity("u3", jira, null, now),
    makeActivity("u4", jira, ago(2), now),
    makeActivity("u5", jira, ago(300), now),
    makeActivity("u6", jira, ago(3), now),
    makeActivity("u7", jira, ago(50), now),
    makeActivity("u7", wiki, ago(20), now),
    makeActivity("u8", wiki, null, now),
    makeActivity("u9", wiki, ago(10), now),
    makeActivity("u12", jira, ago(1), now),
    makeActivity("u10", jira, ago(200), now),
    makeActivity("u11", jira, ago(150), now)
  ]
}

const key = (row: { readonly accountId: string; readonly productKey: string; readonly reason: string }) =>
  `${row.accountId} ${row.productKey} ${row.reason}`

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("ReclaimReasons", (it) => {
  it.effect("each reason with its evidence; protected accounts and protected groups' members left out", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      yield* syncOrg(connection.id, org, { today: now })
      const options = { inactiveAfterDays: 90, asOf: now }

      const before = yield* ReclaimReasons.candidates(connection.id, options)
      expect(before.protectedRows).toBe(0)
      expect(before.candidates.map(key).sort()).toEqual(
        [
          "u10 jira-software inactive",
          "u11 jira-software inactive",
          "u2 jira-software inactive",
          "u3 jira-software never-active",
          "u4 jira-software suspended-billable",
          "u5 jira-software closed-billable",
          "u7 jira-software duplicate-person",
          "u8 confluence duplicate-person",
          "u8 confluence never-active"
        ].sort()
      )

      const byKey = new Map(before.candidates.map((row) => [key(row), row]))
      // The account least recently active on the product is the candidate; the other keeps its seat.
      expect(byKey.get("u7 jira-software duplicate-person")).toMatchObject({
        duplicateRules: ["same-email-local-part-and-name"],
        otherAccountIds: ["u6"],
        managed: false,
        verdict: "active",
        billed: true
      })
      expect(byKey.get("u8 confluence duplicate-person")).toMatchObject({
        duplicateRules: ["same-email-managed-and-unmanaged"],
        otherAccountIds: ["u9"]
      })
      expect(byKey.get("u4 jira-software suspended-billable")).toMatchObject({
        status: "suspended",
        membershipStatus: "suspended",
        // Listed for cleanup, but the ledger bills no suspended user: reclaiming it saves nothing.
        billed: false,
        duplicateRules: [],
        otherAccountIds: []
      })
      expect(byKey.get("u5 jira-software closed-billable")).toMatchObject({
        status: "deactivated",
        accountStatus: "inactive",
        billed: false
      })
      expect(byKey.get("u2 jira-software inactive")).toMatchObject({
        daysSinceActive: 100,
        verdict: "inactive",
        billed: true
      })

      // Protect u10 itself and the service-accounts group (u11's).
      const account = yield* Protection.protect(
        connection.id,
        { kind: "account", id: "u10" },
        { reason: "break-glass admin", setBy: "alice" }
      )
      expect(account).toMatchObject({
        kind: "account",
        id: "u10",
        name: "User u10",
        members: null,
        setBy: "alice"
      })
      yield* Protection.protect(
        connection.id,
        { kind: "group", id: "service-accounts" },
        { reason: "integrations", setBy: "alice" }
      )
      // Protecting again replaces who and why.
      const again = yield* Protection.protect(
        connection.id,
        { kind: "account", id: "u10" },
        { reason: "on-call admin", setBy: "bob" }
      )
      expect(again).toMatchObject({ reason: "on-call admin", setBy: "bob" })
      const listed = yield* Protection.list(connection.id)
      expect(listed.map((p) => [p.kind, p.id, p.name, p.members, p.reason])).toEqual([
        ["account", "u10", "User u10", null, "on-call admin"],
        ["group", "service-accounts", "service-accounts", 1, "integrations"]
      ])

      const after = yield* ReclaimReasons.candidates(connection.id, options)
      expect(after.protectedRows).toBe(2)
      expect(after.protectedAccounts).toBe(2)
      expect(after.candidates.map(key).sort()).toEqual(
        before.candidates
          .map(key)
          .filter((k) => !k.startsWith("u10 ") && !k.startsWith("u11 "))
          .sort()
      )
      const inactive = yield* Reports.reclaimCandidates(connection.id, options)
      expect(inactive.map((row) => row.accountId).sort()).toEqual(["u2", "u3", "u8"])

      const sql = yield* SqlClient.SqlClient
      const view = yield* sql<{ readonly accountId: string }>`
        SELECT DISTINCT account_id AS "accountId" FROM seatsync.v_reclaim_candidates
        WHERE connection_id = ${connection.id} ORDER BY account_id`
      expect(view.map((row) => row.accountId)).toEqual(["u2", "u3", "u8"])
      const reasons = yield* sql<{ readonly accountId: string; readonly reason: string }>`
        SELECT account_id AS "accountId", reason FROM seatsync.v_reclaim_reasons
        WHERE connection_id = ${connection.id} ORDER BY account_id, reason`
      expect(reasons.map((row) => `${row.accountId} ${row.reason}`)).toEqual([
        "u2 inactive",
        "u3 never-active",
        "u4 suspended-billable",
        "u5 closed-billable",
        "u7 duplicate-person",
        "u8 duplicate-person",
        "u8 never-active"
      ])

      // Unprotecting brings u10 back; a subject that is not protected is not removed.
      expect(yield* Protection.unprotect(connection.id, { kind: "account", id: "u10" })).toBe(true)
      expect(yield* Protection.unprotect(connection.id, { kind: "account", id: "u10" })).toBe(false)
      const unprotected = yield* ReclaimReasons.candidates(connection.id, options)
      expect(unprotected.protectedRows).toBe(1)
      expect(unprotected.candidates.map(key)).toContain("u10 jira-software inactive")
    })
  )
})

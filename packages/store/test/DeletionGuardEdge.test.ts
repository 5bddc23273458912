/**
 * The deletion guard's line: a run may soft-delete up to and including 20 % of an entity's live rows; one row
 * more is refused and changes nothing. Every entity loses the same share here (each user has one membership,
 * one Jira role), so the line is met exactly in each of users, memberships and roles.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Database from "../src/Database.js"
import * as RunMerge from "../src/RunMerge.js"
import * as SyncRuns from "../src/SyncRuns.js"
import { makeConnection, makeUser } from "./fixtures.js"
import {
  allComplete,
  liveSnapshot,
  makeActivity,
  makeGroup,
  makeMembership,
  makeProduct,
  makeRole,
  type Org,
  stageOrg,
  syncOrg
} from "./orgFixtures.js"

const now = new Date()
const jira = makeProduct("jira-software", 100)

/** `count` users, each in one group with one Jira role and one activity row. */
const org = (count: number): Org => {
  const users = Array.from({ length: count }, (_, i) => makeUser(`u-${String(i).padStart(3, "0")}`))
  return {
    products: [jira],
    users,
    groups: [makeGroup("g-1")],
    memberships: users.map((u) => makeMembership(u.accountId, "g-1")),
    roles: users.map((u) => makeRole(u.accountId, jira)),
    activity: users.map((u) => makeActivity(u.accountId, jira, now, now))
  }
}
const withUsers = (whole: Org, keep: number): Org => {
  const kept = new Set(whole.users.slice(0, keep).map((u) => u.accountId))
  return {
    ...whole,
    users: whole.users.filter((u) => kept.has(u.accountId)),
    memberships: whole.memberships.filter((m) => kept.has(m.accountId)),
    roles: whole.roles.filter((r) => kept.has(r.accountId)),
    activity: whole.activity.filter((a) => kept.has(a.accountId))
  }
}

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("the deletion guard's line", (it) => {
  it.effect.each([
    [10, 8],
    [25, 20],
    [100, 80]
  ] as const)("%i live, %i seen (exactly 20 % gone): the run soft-deletes them", ([live, seen]) =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const whole = org(live)
      yield* syncOrg(connection.id, whole, { complete: allComplete })
      const { result } = yield* syncOrg(connection.id, withUsers(whole, seen), {
        complete: allComplete
      })
      for (const entity of ["org_user", "group_membership", "product_role"] as const) {
        expect(result.entities[entity].deleted, entity).toBe(live - seen)
      }
    })
  )

  it.effect.each([
    [10, 7],
    [25, 19],
    [100, 79]
  ] as const)("%i live, %i seen (one row over 20 %): refused, nothing changed", ([live, seen]) =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const whole = org(live)
      yield* syncOrg(connection.id, whole, { complete: allComplete })
      const before = yield* liveSnapshot(connection.id)
      const runId = yield* SyncRuns.start(connection.id, "cli")
      yield* stageOrg(runId, connection.id, withUsers(whole, seen))
      const error = yield* Effect.flip(
        RunMerge.mergeRun(runId, connection.id, { complete: allComplete, today: now })
      )
      expect(error).toMatchObject({ _tag: "DeletionGuardTripped", wouldDelete: live - seen, live })
      expect(yield* liveSnapshot(connection.id)).toEqual(before)
    })
  )

  it.effect("a stated share is a line too: exactly half of 10 with a 0.5 share passes, 6 do not", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const whole = org(10)
      yield* syncOrg(connection.id, whole)
      const half = yield* syncOrg(connection.id, withUsers(whole, 5), { deletionGuardShare: 0.5 })
      expect(half.result.entities.org_user.deleted).toBe(5)
      const again = yield* makeConnection()
      yield* syncOrg(again.id, whole)
      const runId = yield* SyncRuns.start(again.id, "cli")
      yield* stageOrg(runId, again.id, withUsers(whole, 4))
      const error = yield* Effect.flip(
        RunMerge.mergeRun(runId, again.id, { complete: allComplete, today: now, deletionGuardShare: 0.5 })
      )
      expect(error).toMatchObject({ _tag: "DeletionGuardTripped", wouldDelete: 6, live: 10 })
    })
  )
})

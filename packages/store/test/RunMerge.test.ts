import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as Database from "../src/Database.js"
import type { ConnectionId } from "../src/Ids.js"
import * as OrgUsers from "../src/OrgUsers.js"
import * as RunMerge from "../src/RunMerge.js"
import * as Staging from "../src/Staging.js"
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
const jira = makeProduct("jira-software", 10)
const wiki = makeProduct("confluence", null)

const smallOrg = (userCount: number): Org => {
  const users = Array.from({ length: userCount }, (_, i) => makeUser(`u-${String(i).padStart(3, "0")}`))
  return {
    products: [jira, wiki],
    users,
    groups: [makeGroup("g-1"), makeGroup("g-2")],
    memberships: users.flatMap((u, i) => [
      makeMembership(u.accountId, "g-1"),
      ...(i % 2 === 0 ? [makeMembership(u.accountId, "g-2")] : [])
    ]),
    roles: users.map((u) => makeRole(u.accountId, jira)),
    activity: users.map((u) => makeActivity(u.accountId, jira, new Date(now.getTime() - 86_400_000), now))
  }
}

const changeLog = (connectionId: ConnectionId) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{
        readonly runId: string
        readonly entity: string
        readonly key: unknown
        readonly kind: string
        readonly changes: unknown
      }>`
      SELECT run_id AS "runId", entity, entity_key AS key, kind, changes FROM seatsync.change_log
      WHERE connection_id = ${connectionId} ORDER BY id`
  )

const liveCount = (connectionId: ConnectionId, table: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM ${sql.literal(`seatsync.${table}`)}
        WHERE connection_id = ${connectionId} AND deleted_at IS NULL`,
      (rows) => rows[0]?.n ?? -1
    )
  )

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("RunMerge", (it) => {
  it.effect("merges every entity, logs inserts and marks the run succeeded with its counts", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const org = smallOrg(10)
      const { runId, result } = yield* syncOrg(connection.id, org)
      expect(result.entities.org_user).toEqual({
        inserted: 10,
        updated: 0,
        restored: 0,
        deleted: 0,
        unchanged: 0
      })
      expect(result.entities.group_membership.inserted).toBe(15)
      expect(result.entities.product.inserted).toBe(2)
      expect(result.ledgerRows).toBe(2)
      expect(result.run.status).toBe("succeeded")
      expect(result.run.entityCounts).toMatchObject({
        "org_user.inserted": 10,
        "product_role.inserted": 10,
        quarantined: 0
      })
      const log = yield* changeLog(connection.id)
      expect(log.filter((e) => e.kind === "insert")).toHaveLength(2 + 10 + 2 + 15 + 10 + 10)
      expect(log.filter((e) => e.entity === "group_membership").map((e) => e.key)).toContainEqual({
        account_id: "u-000",
        group_id: "g-1"
      })
      const sql = yield* SqlClient.SqlClient
      const staged = yield* sql<{ readonly n: number }>`
        SELECT (SELECT count(*) FROM seatsync.org_user_stage WHERE run_id = ${runId})
             + (SELECT count(*) FROM seatsync.group_membership_stage WHERE run_id = ${runId})::int AS n`
      expect(Number(staged[0]?.n)).toBe(0)
    })
  )

  it.effect("a second identical merge changes no live row", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const org = smallOrg(20)
      yield* syncOrg(connection.id, org)
      const before = yield* liveSnapshot(connection.id)
      const { result } = yield* syncOrg(connection.id, org, { today: new Date(now.getTime() + 0) })
      for (const counts of Object.values(result.entities)) {
        expect({ ...counts, unchanged: 0 }).toEqual({
          inserted: 0,
          updated: 0,
          restored: 0,
          deleted: 0,
          unchanged: 0
        })
      }
      const after = yield* liveSnapshot(connection.id)
      for (const table of [
        "org_user",
        "org_group",
        "group_membership",
        "product",
        "product_role",
        "product_activity",
        "change_log"
      ]) {
        expect(after[table], table).toEqual(before[table])
      }
    })
  )

  it.effect(
    "an update logs the changed fields old → new; a removed user is soft-deleted only by a complete run",
    () =>
      Effect.gen(function* () {
        const connection = yield* makeConnection()
        const org = smallOrg(10)
        yield* syncOrg(connection.id, org)
        const renamed = org.users.map((u, i) => (i === 0 ? makeUser(u.accountId, { name: "Renamed" }) : u))
        const gone = { ...org, users: renamed.slice(0, 9) }
        const partial = yield* syncOrg(connection.id, gone, { complete: { ...allComplete, org_user: false } })
        expect(partial.result.entities.org_user).toMatchObject({ updated: 1, deleted: 0 })
        expect(yield* liveCount(connection.id, "org_user")).toBe(10)
        const complete = yield* syncOrg(connection.id, gone)
        expect(complete.result.entities.org_user).toMatchObject({ deleted: 1 })
        expect(yield* liveCount(connection.id, "org_user")).toBe(9)
        const log = yield* changeLog(connection.id)
        expect(log.find((e) => e.kind === "update")).toMatchObject({
          entity: "org_user",
          key: { account_id: "u-000" },
          changes: { name: { old: "User u-000", new: "Renamed" } }
        })
        expect(log.filter((e) => e.kind === "delete")).toEqual([
          {
            runId: String(complete.runId),
            entity: "org_user",
            key: { account_id: "u-009" },
            kind: "delete",
            changes: null
          }
        ])
        // Coming back is a restore.
        const back = yield* syncOrg(connection.id, { ...org, users: renamed })
        expect(back.result.entities.org_user.restored).toBe(1)
        expect((yield* changeLog(connection.id)).filter((e) => e.kind === "restore")).toHaveLength(1)
      })
  )

  it.effect("the deletion guard refuses more than the share, changes nothing, and yields to force", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const org = smallOrg(10)
      yield* syncOrg(connection.id, org)
      const before = yield* liveSnapshot(connection.id)
      const shrunk = { ...org, users: org.users.slice(0, 7) }
      const runId = yield* SyncRuns.start(connection.id, "cli")
      yield* stageOrg(runId, connection.id, shrunk)
      const error = yield* Effect.flip(
        RunMerge.mergeRun(runId, connection.id, { complete: allComplete, today: now })
      )
      expect(error).toMatchObject({
        _tag: "DeletionGuardTripped",
        entity: "org_user",
        wouldDelete: 3,
        live: 10,
        share: 0.2
      })
      expect(error.message).toContain("Refused to soft-delete 3 of 10 live org_user rows (30 %")
      expect(yield* liveSnapshot(connection.id)).toEqual(before)
      expect(Option.getOrThrow(yield* SyncRuns.findById(runId)).status).toBe("running")
      // A larger share, or force, lets it through.
      const forced = yield* RunMerge.mergeRun(runId, connection.id, {
        complete: allComplete,
        today: now,
        force: true
      })
      expect(forced.entities.org_user.deleted).toBe(3)
      const other = yield* syncOrg(
        connection.id,
        { ...org, users: org.users.slice(0, 5) },
        { deletionGuardShare: 0.5 }
      )
      expect(other.result.entities.org_user.deleted).toBe(2)
    })
  )

  it.effect(
    "a run that fails mid-merge leaves every live table byte-identical and its staging for resume",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const connection = yield* makeConnection()
        const org = smallOrg(10)
        yield* syncOrg(connection.id, org)
        const before = yield* liveSnapshot(connection.id)
        // Fail the very last write of the merge (the seat ledger), after every entity was merged.
        yield* sql.unsafe(`
        CREATE FUNCTION seatsync.test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected failure'; END $$`)
        yield* sql.unsafe(`
        CREATE TRIGGER test_fail BEFORE INSERT ON seatsync.seat_ledger
        FOR EACH ROW WHEN (NEW.connection_id = ${connection.id}) EXECUTE FUNCTION seatsync.test_fail()`)
        const changed = {
          ...org,
          users: [
            ...org.users.slice(1).map((u) => makeUser(u.accountId, { department: "Sales" })),
            makeUser("new-user")
          ]
        }
        const runId = yield* SyncRuns.start(connection.id, "cli")
        yield* stageOrg(runId, connection.id, changed)
        const failure = yield* Effect.flip(
          RunMerge.mergeRun(runId, connection.id, { complete: allComplete, today: now })
        )
        yield* sql.unsafe("DROP TRIGGER test_fail ON seatsync.seat_ledger")
        yield* sql.unsafe("DROP FUNCTION seatsync.test_fail()")
        expect(String(failure)).toContain("SqlError")
        expect(yield* liveSnapshot(connection.id)).toEqual(before)
        expect(Option.getOrThrow(yield* SyncRuns.findById(runId)).status).toBe("running")
        // The staging survived the rollback: the run can be merged now, or discarded.
        const resumed = yield* RunMerge.mergeRun(runId, connection.id, { complete: allComplete, today: now })
        expect(resumed.entities.org_user).toMatchObject({ inserted: 1, updated: 9, deleted: 1 })
      })
  )

  it.effect("a run that fails before merging changes nothing and its staging is discarded", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const org = smallOrg(5)
      yield* syncOrg(connection.id, org)
      const before = yield* liveSnapshot(connection.id)
      const runId = yield* SyncRuns.start(connection.id, "cli")
      yield* stageOrg(runId, connection.id, smallOrg(2))
      expect(yield* Staging.discardRun(runId)).toBeGreaterThan(0)
      yield* SyncRuns.fail(runId, { _tag: "Boom", message: "boom" }, SyncRuns.emptyStats)
      expect(yield* liveSnapshot(connection.id)).toEqual(before)
      const error = yield* Effect.flip(
        RunMerge.mergeRun(runId, connection.id, { complete: allComplete, today: now })
      )
      expect(error._tag).toBe("SyncRunNotRunning")
    })
  )

  it.effect("two connections never see each other's rows", () =>
    Effect.gen(function* () {
      const left = yield* makeConnection("left")
      const right = yield* makeConnection("right")
      const org = smallOrg(6)
      yield* syncOrg(left.id, org)
      yield* syncOrg(right.id, org)
      // A complete run of `right` with half the users (forced) must not touch `left`.
      const leftBefore = yield* liveSnapshot(left.id)
      const half = { ...org, users: org.users.slice(0, 3), memberships: [], roles: [], activity: [] }
      yield* syncOrg(right.id, half, { force: true })
      expect(yield* liveSnapshot(left.id)).toEqual(leftBefore)
      expect(yield* liveCount(right.id, "org_user")).toBe(3)
      expect(yield* liveCount(left.id, "org_user")).toBe(6)
      expect((yield* OrgUsers.listLive(left.id)).map((u) => u.accountId)).toEqual(
        org.users.map((u) => u.accountId)
      )
    })
  )

  it.effect(
    "product activity: a newer observation never loses to an older one, and never moves backwards",
    () =>
      Effect.gen(function* () {
        const connection = yield* makeConnection()
        const org = smallOrg(1)
        const user = org.users[0]?.accountId ?? ""
        const t = (days: number) => new Date(now.getTime() - days * 86_400_000)
        yield* syncOrg(connection.id, {
          ...org,
          activity: [makeActivity(user, jira, t(10), t(1), "per_user")]
        })
        // Older observation with a newer-looking date: ignored.
        yield* syncOrg(connection.id, { ...org, activity: [makeActivity(user, jira, t(2), t(5))] })
        // Newer observation, older activity: ignored (never backwards); never active: ignored.
        yield* syncOrg(connection.id, { ...org, activity: [makeActivity(user, jira, t(20), now)] })
        yield* syncOrg(connection.id, { ...org, activity: [makeActivity(user, jira, null, now)] })
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ readonly lastActiveAt: Date; readonly source: string }>`
        SELECT last_active_at AS "lastActiveAt", source FROM seatsync.product_activity WHERE connection_id = ${connection.id}`
        expect(rows).toEqual([{ lastActiveAt: t(10), source: "per_user" }])
        // A newer observation of a later activity wins.
        yield* syncOrg(connection.id, { ...org, activity: [makeActivity(user, jira, t(0.5), now)] })
        const after = yield* sql<{ readonly lastActiveAt: Date; readonly source: string }>`
        SELECT last_active_at AS "lastActiveAt", source FROM seatsync.product_activity WHERE connection_id = ${connection.id}`
        expect(after).toEqual([{ lastActiveAt: t(0.5), source: "bulk_expand" }])
      })
  )
})

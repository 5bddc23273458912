import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as Database from "../src/Database.js"
import type { ConnectionId } from "../src/Ids.js"
import * as OrgUsers from "../src/OrgUsers.js"
import * as SyncRuns from "../src/SyncRuns.js"
import { makeConnection, makeUser, makeUsers } from "./fixtures.js"

/** Row versions: `xmin` and `ctid` both change whenever PostgreSQL writes a new version of a row. */
const rowVersions = (connectionId: ConnectionId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ readonly accountId: string; readonly version: string }>`
      SELECT account_id AS "accountId", xmin::text || '/' || ctid::text AS version
      FROM seatsync.org_user WHERE connection_id = ${connectionId}`
    return new Map(rows.map((row) => [row.accountId, row.version]))
  })

/** Starts a run, stages `users`, merges. */
const sync = (
  connectionId: ConnectionId,
  users: ReadonlyArray<ReturnType<typeof makeUser>>,
  complete = true
) =>
  Effect.gen(function* () {
    const runId = yield* SyncRuns.start(connectionId, "cli")
    yield* OrgUsers.stage(runId, connectionId, users)
    const result = yield* OrgUsers.merge(runId, connectionId, { complete })
    yield* SyncRuns.succeed(runId, SyncRuns.emptyStats)
    return { runId, result }
  })

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("OrgUsers", (it) => {
  it.effect("inserts new users with every field intact", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const users = [
        makeUser("a-1", { platformRoles: ["atlassian/org-admin", "atlassian/user-access-admin"] }),
        makeUser("a-2", {
          email: null,
          emailDomain: null,
          mfaEnabled: null,
          addedToOrg: null,
          status: null,
          nickname: 'quote " comma , brace { backslash \\',
          department: "Ünïcødé ✓"
        })
      ]
      const { runId, result } = yield* sync(connection.id, users)
      expect(result).toEqual({ inserted: 2, updated: 0, restored: 0, deleted: 0, unchanged: 0 })
      expect(yield* OrgUsers.listLive(connection.id)).toEqual(users)
      const stored = yield* OrgUsers.listStored(connection.id)
      expect(stored.map((u) => [u.firstSeenRun, u.lastSeenRun, u.deletedAt])).toEqual([
        [runId, runId, null],
        [runId, runId, null]
      ])
    })
  )

  it.effect("a second identical sync writes no row at all", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const users = makeUsers(50)
      const first = yield* sync(connection.id, users)
      const before = yield* rowVersions(connection.id)
      const second = yield* sync(connection.id, users)
      expect(second.result).toEqual({ inserted: 0, updated: 0, restored: 0, deleted: 0, unchanged: 50 })
      expect(yield* rowVersions(connection.id)).toEqual(before)
      const stored = yield* OrgUsers.listStored(connection.id)
      expect(new Set(stored.map((u) => u.lastSeenRun))).toEqual(new Set([first.runId]))
    })
  )

  it.effect("a changed field updates exactly that row", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const users = makeUsers(20)
      yield* sync(connection.id, users)
      const before = yield* rowVersions(connection.id)
      const changed = users.map((user, i) =>
        i === 7 ? makeUser(user.accountId, { jobTitle: "Engineer" }) : user
      )
      const { runId, result } = yield* sync(connection.id, changed)
      expect(result).toEqual({ inserted: 0, updated: 1, restored: 0, deleted: 0, unchanged: 19 })
      const after = yield* rowVersions(connection.id)
      const rewritten = [...after].filter(([id, version]) => before.get(id) !== version).map(([id]) => id)
      expect(rewritten).toEqual([users[7]?.accountId])
      const stored = yield* OrgUsers.listStored(connection.id)
      expect(stored.find((u) => u.accountId === users[7]?.accountId)?.lastSeenRun).toBe(runId)
      expect(stored.find((u) => u.accountId === users[7]?.accountId)?.jobTitle).toBe("Engineer")
    })
  )

  it.effect("a change in platform roles (an array column) is detected", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      yield* sync(connection.id, [makeUser("r-1", { platformRoles: ["atlassian/org-admin"] })])
      const { result } = yield* sync(connection.id, [makeUser("r-1", { platformRoles: [] })])
      expect(result.updated).toBe(1)
      expect((yield* OrgUsers.listLive(connection.id))[0]?.platformRoles).toEqual([])
    })
  )

  it.effect("soft-deletes users absent from a complete run", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const users = makeUsers(5)
      const first = yield* sync(connection.id, users)
      const { result } = yield* sync(connection.id, users.slice(0, 3), true)
      expect(result).toEqual({ inserted: 0, updated: 0, restored: 0, deleted: 2, unchanged: 3 })
      expect((yield* OrgUsers.listLive(connection.id)).map((u) => u.accountId)).toEqual(
        users.slice(0, 3).map((u) => u.accountId)
      )
      const gone = (yield* OrgUsers.listStored(connection.id)).filter((u) => u.deletedAt !== null)
      expect(gone.map((u) => [u.accountId, u.lastSeenRun])).toEqual(
        users.slice(3).map((u) => [u.accountId, first.runId])
      )
    })
  )

  it.effect("never deletes on an incomplete run", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const users = makeUsers(5)
      yield* sync(connection.id, users)
      const { result } = yield* sync(connection.id, users.slice(0, 1), false)
      expect(result).toEqual({ inserted: 0, updated: 0, restored: 0, deleted: 0, unchanged: 1 })
      expect(yield* OrgUsers.listLive(connection.id)).toHaveLength(5)
    })
  )

  it.effect("restores a user who comes back after a soft delete", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const users = makeUsers(3)
      yield* sync(connection.id, users)
      yield* sync(connection.id, users.slice(0, 2))
      const back = yield* sync(connection.id, users)
      expect(back.result).toEqual({ inserted: 0, updated: 0, restored: 1, deleted: 0, unchanged: 2 })
      const stored = yield* OrgUsers.listStored(connection.id)
      expect(stored.every((u) => u.deletedAt === null)).toBe(true)
      expect(stored.find((u) => u.accountId === users[2]?.accountId)?.lastSeenRun).toBe(back.runId)
    })
  )

  it.effect("two connections never see each other's users", () =>
    Effect.gen(function* () {
      const left = yield* makeConnection("left")
      const right = yield* makeConnection("right")
      const shared = makeUser("same-account")
      yield* sync(left.id, [shared, makeUser("left-only")])
      yield* sync(right.id, [makeUser("same-account", { name: "Renamed" }), makeUser("right-only")])
      // A complete run of `right` without `left-only` must not touch `left`.
      const { result } = yield* sync(right.id, [makeUser("right-only")])
      expect(result.deleted).toBe(1)
      expect((yield* OrgUsers.listLive(left.id)).map((u) => [u.accountId, u.name])).toEqual([
        ["left-only", "User left-only"],
        ["same-account", "User same-account"]
      ])
      expect((yield* OrgUsers.listLive(right.id)).map((u) => u.accountId)).toEqual(["right-only"])
    })
  )

  it.effect("stages a batch of 25,000 users in one statement and merges it", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const users = makeUsers(25_000, "bulk")
      const sql = yield* SqlClient.SqlClient
      const runId = yield* SyncRuns.start(connection.id, "cli")
      const staged = yield* OrgUsers.stage(runId, connection.id, users)
      expect(staged).toBe(25_000)
      const result = yield* OrgUsers.merge(runId, connection.id, { complete: true })
      expect(result).toEqual({ inserted: 25_000, updated: 0, restored: 0, deleted: 0, unchanged: 0 })
      const [{ n } = { n: -1 }] = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM seatsync.org_user WHERE connection_id = ${connection.id}`
      expect(n).toBe(25_000)
    })
  )

  it.effect("keeps the last version of a user staged twice in a run", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const runId = yield* SyncRuns.start(connection.id, "cli")
      yield* OrgUsers.stage(runId, connection.id, [makeUser("dup", { name: "First" })])
      yield* OrgUsers.stage(runId, connection.id, [
        makeUser("dup", { name: "Second" }),
        makeUser("dup", { name: "Third" })
      ])
      const result = yield* OrgUsers.merge(runId, connection.id, { complete: true })
      expect(result.inserted).toBe(1)
      expect((yield* OrgUsers.listLive(connection.id))[0]?.name).toBe("Third")
    })
  )

  it.effect("merge deletes the run's staging rows; discardStage drops a failed run's", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const connection = yield* makeConnection()
      const merged = yield* sync(connection.id, makeUsers(3))
      const failed = yield* SyncRuns.start(connection.id, "cli")
      yield* OrgUsers.stage(failed, connection.id, makeUsers(4))
      expect(yield* OrgUsers.discardStage(failed)).toBe(4)
      const [left] = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM seatsync.org_user_stage WHERE run_id IN (${merged.runId}, ${failed})`
      expect(left?.n).toBe(0)
    })
  )

  it.effect("refuses to merge a run that is not running, and changes nothing", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const { runId } = yield* sync(connection.id, makeUsers(2))
      const exit = yield* Effect.exit(OrgUsers.merge(runId, connection.id, { complete: true }))
      expect(exit).toStrictEqual(Exit.fail(expect.anything()))
      if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("SyncRunNotRunning")
      const other = yield* makeConnection()
      const foreign = yield* Effect.flip(OrgUsers.merge(runId, other.id, { complete: true }))
      expect(foreign._tag).toBe("SyncRunNotRunning")
      expect(yield* OrgUsers.listLive(connection.id)).toHaveLength(2)
    })
  )
})

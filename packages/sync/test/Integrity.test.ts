import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Fault } from "@seatsync/atlassian-simulator"
import { Database, Quarantine, SyncRuns } from "@seatsync/store"
import { Effect, Option } from "effect"
import { runSync } from "../src/index.js"
import { clientFor, liveCounts, liveSnapshot, orphanRows, setup } from "./support.js"

describe("enumeration you can prove complete", () => {
  it.layer(Database.layerThrowaway, { timeout: 180_000 })((it) => {
    it.scoped(
      "a page repeating the previous page under a fresh cursor fails the run with RepeatedRecords",
      () =>
        Effect.gen(function* () {
          const { simulator, connection } = yield* setup({ users: 300 })
          yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
          const before = yield* liveSnapshot(connection.id)
          yield* simulator.setFaults([Fault.repeatedPage("searchDirectoryUsers", { nth: 2 })])
          const error = yield* Effect.flip(
            runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
          )
          expect(error._tag).toBe("RepeatedRecords")
          if (error._tag === "RepeatedRecords") {
            expect(error.listing).toBe("POST /v2/orgs/{orgId}/directories/{directoryId}/users/search")
            expect(error.entity).toBe("org_user")
            expect(error.repeated).toBeGreaterThanOrEqual(100)
            expect(error.message).toContain("nothing was changed")
          }
          // Not a single user soft-deleted: the live tables are exactly as they were.
          expect(yield* liveSnapshot(connection.id)).toEqual(before)
          const [latest] = yield* SyncRuns.listRecent(connection.id, 1)
          expect(latest).toMatchObject({
            status: "failed",
            error: { _tag: "RepeatedRecords", entity: "org_user" }
          })
        })
    )

    it.scoped("every run records expected vs stored per counted entity, agreeing when nothing drifted", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 250 })
        const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(simulator))
        )
        const groups = simulator.organisation.groups.length
        expect(summary.reconciliation.entities).toEqual({
          org_user: {
            expectedBefore: 250,
            expectedAfter: 250,
            listed: 250,
            stored: 250,
            tolerance: 0,
            drift: false
          },
          org_group: {
            expectedBefore: groups,
            expectedAfter: groups,
            listed: groups,
            stored: groups,
            tolerance: 0,
            drift: false
          }
        })
        expect(summary.reconciliation.kept).toEqual([])
        const directories = summary.reconciliation.directories
        expect(directories.length).toBe(simulator.organisation.directories.length)
        expect(
          directories.every((entry) => entry.usersBefore > 0 && entry.usersBefore === entry.usersAfter)
        ).toBe(true)
        const run = Option.getOrThrow(yield* SyncRuns.findById(summary.runId))
        expect(run.reconciliation).toEqual(summary.reconciliation)
      })
    )

    it.scoped(
      "an enumeration smaller than the organisation's count drifts: unseen rows are kept, not deleted",
      () =>
        Effect.gen(function* () {
          const { simulator, connection } = yield* setup({ users: 250 })
          yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
          const before = yield* liveCounts(connection.id)
          yield* simulator.setFaults([Fault.hiddenRecords("searchDirectoryUsers", 3, { nth: 1 })])
          const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
            Effect.provide(clientFor(simulator))
          )
          expect(summary.reconciliation.entities.org_user).toMatchObject({
            expectedBefore: 250,
            expectedAfter: 250,
            listed: 247,
            stored: 247,
            tolerance: 0,
            drift: true
          })
          expect(summary.reconciliation.kept).toEqual([
            { entity: "org_user", reason: "drift" },
            { entity: "group_membership", reason: "drift" },
            { entity: "product_role", reason: "drift" }
          ])
          expect(summary.entities.org_user.deleted).toBe(0)
          expect(summary.entities.group_membership.deleted).toBe(0)
          expect(yield* liveCounts(connection.id)).toEqual(before)
          const run = Option.getOrThrow(yield* SyncRuns.findById(summary.runId))
          expect(run.status).toBe("succeeded")
          expect(SyncRuns.drifted(run.reconciliation)).toEqual(["org_user"])
        })
    )
  })
})

describe("quarantine by record", () => {
  it.layer(Database.layerThrowaway, { timeout: 180_000 })((it) => {
    it.scoped("a wrong-typed record is quarantined with its reason; the page and the run go on", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 250 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        yield* simulator.setFaults([
          Fault.wrongTypedRecord("searchDirectoryUsers", { calls: { nth: 2 }, index: 7 })
        ])
        const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(simulator))
        )
        expect(summary.quarantined).toBe(1)
        expect(summary.entities.org_user).toMatchObject({ staged: 249, deleted: 0 })
        const [record] = yield* Quarantine.list(summary.runId)
        expect(record).toMatchObject({
          entity: "org_user",
          sourceKey: "12345",
          reason: "accountId: Expected string, actual 12345"
        })
        // The quarantined user's stored rows are kept as they were (no soft delete this run).
        expect(summary.reconciliation.kept).toContainEqual({ entity: "org_user", reason: "quarantine" })
        expect((yield* liveCounts(connection.id)).org_user).toBe(250)
      })
    )

    it.scoped("a quarantined user's memberships, roles and activity are not written as live rows", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 120 })
        // A date that is no date: the user is rejected, and everything built from its record with it.
        yield* simulator.setFaults([
          Fault.wrongTypedRecord("searchDirectoryUsers", {
            calls: { nth: 1 },
            field: "addedToOrg",
            value: "not a date"
          })
        ])
        const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(simulator))
        )
        const [record] = yield* Quarantine.list(summary.runId)
        expect(record?.reason).toBe("addedToOrg is not an ISO-8601 date: not a date")
        const victim = record?.sourceKey ?? ""
        expect(victim).not.toBe("")
        expect(yield* orphanRows(connection.id)).toEqual({
          group_membership: 0,
          product_role: 0,
          product_activity: 0
        })
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ readonly n: number }>`
          SELECT (SELECT count(*) FROM seatsync.group_membership WHERE connection_id = ${connection.id} AND account_id = ${victim})
               + (SELECT count(*) FROM seatsync.product_role WHERE connection_id = ${connection.id} AND account_id = ${victim})
               + (SELECT count(*) FROM seatsync.product_activity WHERE connection_id = ${connection.id} AND account_id = ${victim})
            AS n`
        expect(Number(rows[0]?.n)).toBe(0)
      })
    )

    it.scoped("a date that is not ISO-8601 is quarantined, never guessed", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 20 })
        yield* simulator.setFaults([
          Fault.wrongTypedRecord("searchDirectoryUsers", {
            calls: { nth: 1 },
            field: "addedToOrg",
            value: "abc 5"
          })
        ])
        const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(simulator))
        )
        expect(summary.quarantined).toBe(1)
        const sql = yield* SqlClient.SqlClient
        const guessed = yield* sql<{ readonly n: number }>`
          SELECT count(*)::int AS n FROM seatsync.org_user
          WHERE connection_id = ${connection.id} AND added_to_org = '2001-05-01T00:00:00Z'`
        expect(guessed[0]?.n).toBe(0)
        expect((yield* liveCounts(connection.id)).org_user).toBe(19)
      })
    )

    it.scoped("a group whose id cannot be a path segment is quarantined instead of ending the run", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 40 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        const groupsBefore = (yield* liveCounts(connection.id)).org_group
        yield* simulator.setFaults([Fault.wrongTypedRecord("searchDirectoryGroups", { value: ".." })])
        const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(simulator))
        )
        const [record] = yield* Quarantine.list(summary.runId)
        expect(record).toMatchObject({
          entity: "org_group",
          sourceKey: "..",
          reason: "id is a dot segment (..) and cannot name a resource in a path"
        })
        expect(summary.entities.org_group.deleted).toBe(0)
        expect((yield* liveCounts(connection.id)).org_group).toBe(groupsBefore)
      })
    )
  })
})

describe("boundaries", () => {
  it.layer(Database.layerThrowaway, { timeout: 180_000 })((it) => {
    it.scoped("--only users does not treat product roles as completely enumerated", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 60 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        const before = yield* liveSnapshot(connection.id)
        expect(before.product_role).not.toMatch(/^0:/)
        const summary = yield* runSync(connection, { trigger: "cli", only: ["users"] }).pipe(
          Effect.provide(clientFor(simulator))
        )
        expect(summary.entities.product_role).toMatchObject({ staged: 0, deleted: 0 })
        expect((yield* liveSnapshot(connection.id)).product_role).toBe(before.product_role)
      })
    )

    it.scoped("never marks a non-billable role billable, nor a billable one not", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 250 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        const sql = yield* SqlClient.SqlClient
        const roles = yield* sql<{ readonly roleId: string; readonly billable: boolean; readonly n: number }>`
          SELECT role_id AS "roleId", billable, count(*)::int AS n FROM seatsync.product_role
          WHERE connection_id = ${connection.id} GROUP BY role_id, billable ORDER BY role_id`
        const billableRoles = new Set(["atlassian/user", "atlassian/admin"])
        for (const row of roles) expect(row.billable, row.roleId).toBe(billableRoles.has(row.roleId))
        // Both kinds are present, so the check above could fail either way.
        expect(roles.some((row) => !billableRoles.has(row.roleId))).toBe(true)
        expect(roles.some((row) => billableRoles.has(row.roleId))).toBe(true)
      })
    )
  })
})

/**
 * A quarantined group takes its dependent rows with it, as a quarantined user does: none of its memberships
 * becomes a live row, it grants no role, and the stored rows of the group and of its memberships are kept as
 * they were (never soft-deleted by the run that could not read it).
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Fault } from "@seatsync/atlassian-simulator"
import { Database, Quarantine } from "@seatsync/store"
import { Effect } from "effect"
import { runSync } from "../src/index.js"
import { clientFor, liveCounts, liveSnapshot, setup } from "./support.js"

/** The first group of the first page keeps its id but gets a name that is no string: quarantined by id. */
const brokenGroup = Fault.wrongTypedRecord("searchDirectoryGroups", {
  calls: { nth: 1 },
  field: "name",
  value: 12345
})

/** Live rows of one group: its own row, its memberships, and roles marked as granted through a group. */
const liveRowsOf = (connectionId: number, groupId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{
      readonly group: number
      readonly memberships: string | null
      readonly n: number
    }>`
      SELECT
        (SELECT count(*)::int FROM seatsync.org_group
          WHERE connection_id = ${connectionId} AND group_id = ${groupId} AND deleted_at IS NULL) AS "group",
        (SELECT string_agg(t::text, '|' ORDER BY t::text) FROM seatsync.group_membership AS t
          WHERE connection_id = ${connectionId} AND group_id = ${groupId}) AS memberships,
        (SELECT count(*)::int FROM seatsync.group_membership
          WHERE connection_id = ${connectionId} AND group_id = ${groupId} AND deleted_at IS NULL) AS n`
    return { group: rows[0]?.group ?? 0, memberships: rows[0]?.memberships ?? null, live: rows[0]?.n ?? 0 }
  })

describe("a quarantined group", () => {
  it.layer(Database.layerThrowaway, { timeout: 180_000 })((it) => {
    it.scoped("on a first sync: none of its memberships is written as a live row", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 120 })
        yield* simulator.setFaults([brokenGroup])
        const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(simulator))
        )
        const [record] = yield* Quarantine.list(summary.runId)
        expect(record).toMatchObject({ entity: "org_group", reason: "name: Expected string, actual 12345" })
        const groupId = record?.sourceKey ?? ""
        // The group has members in the organisation, so their memberships were there to be written.
        const members = [...simulator.organisation.users()].filter((user) => user.groupIds.includes(groupId))
        expect(members.length).toBeGreaterThan(0)
        expect(yield* liveRowsOf(connection.id, groupId)).toEqual({ group: 0, memberships: null, live: 0 })
        // Every other group's memberships were written.
        const others = [...simulator.organisation.users()].reduce(
          (n, user) => n + user.groupIds.filter((id) => id !== groupId).length,
          0
        )
        expect((yield* liveCounts(connection.id)).group_membership).toBe(others)
        expect(summary.reconciliation.kept).toContainEqual({
          entity: "group_membership",
          reason: "quarantine"
        })
      })
    )

    it.scoped("after a clean sync: its stored row and memberships are kept exactly as they were", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 120 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        const countsBefore = yield* liveCounts(connection.id)
        const before = yield* liveSnapshot(connection.id)
        yield* simulator.setFaults([brokenGroup])
        const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(simulator))
        )
        const [record] = yield* Quarantine.list(summary.runId)
        const groupId = record?.sourceKey ?? ""
        expect(record?.entity).toBe("org_group")
        // The clean sync stored the group and its memberships; the quarantining run keeps them untouched.
        const after = yield* liveRowsOf(connection.id, groupId)
        expect(after.group).toBe(1)
        expect(after.live).toBeGreaterThan(0)
        expect(summary.entities.group_membership.deleted).toBe(0)
        expect(summary.entities.org_group.deleted).toBe(0)
        expect(summary.reconciliation.kept).toEqual([
          { entity: "org_group", reason: "quarantine" },
          { entity: "group_membership", reason: "quarantine" }
        ])
        expect(yield* liveCounts(connection.id)).toEqual(countsBefore)
        // Not even an update: the groups' and memberships' rows are byte for byte those the clean sync wrote.
        const snapshot = yield* liveSnapshot(connection.id)
        expect(snapshot.org_group).toBe(before.org_group)
        expect(snapshot.group_membership).toBe(before.group_membership)
        // And the next clean run reads the group again and keeps nothing.
        yield* simulator.setFaults([])
        const cleanAgain = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(simulator))
        )
        expect(cleanAgain.reconciliation.kept).toEqual([])
        expect(yield* liveRowsOf(connection.id, groupId)).toMatchObject({ group: 1, live: after.live })
      })
    )
  })
})

import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Database } from "@seatsync/store"
import { Effect } from "effect"
import { runSync } from "../src/index.js"
import { clientFor, setup } from "./support.js"

describe("runSync: how a product role was granted", () => {
  it.layer(Database.layerThrowaway, { timeout: 120_000 })((it) => {
    it.scoped(
      "stores a role as granted through a group exactly when one of the holder's groups grants it on that product",
      () =>
        Effect.gen(function* () {
          const { simulator, connection } = yield* setup({ users: 300, groups: 40, groupsPerUser: 4 })
          yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
          const organisation = simulator.organisation
          const grantsOf = new Map(
            organisation.groups.map((group) => [
              group.id,
              new Set(group.grants.map((grant) => `${grant.resourceId}|${grant.role}`))
            ])
          )
          const groupsOf = new Map<string, ReadonlyArray<string>>()
          for (let index = 0; index < organisation.userCount; index++) {
            const user = organisation.user(index)
            groupsOf.set(user.accountId, user.groupIds)
          }
          const sql = yield* SqlClient.SqlClient
          const rows = yield* sql<{ accountId: string; productId: string; roleId: string; via: string }>`
            SELECT account_id AS "accountId", product_id AS "productId", role_id AS "roleId",
                   array_to_string(granted_via, ',') AS via
            FROM seatsync.product_role WHERE connection_id = ${connection.id} AND deleted_at IS NULL`
          const expected = rows.map((row) => {
            const viaGroup = (groupsOf.get(row.accountId) ?? []).some(
              (groupId) => grantsOf.get(groupId)?.has(`${row.productId}|${row.roleId}`) === true
            )
            return { ...row, via: viaGroup ? "group" : "direct" }
          })
          expect(rows).toEqual(expected)
          // Both kinds occur, so the comparison above decides something.
          const kinds = new Set(rows.map((row) => row.via))
          expect([...kinds].sort()).toEqual(["direct", "group"])
        })
    )
  })
})

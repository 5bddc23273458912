/**
 * The Guard product in the run merge: a run that counted Guard seats gets an `atlassian-guard` product (no
 * capacity) and a seat-ledger row with assigned = billable = the count and no activity; the same day's next
 * count replaces it; a run that did not count removes the product (logged as a product deletion, the
 * deletion guard not counting it) and writes no Guard row; Guard never has reclaim candidates.
 */
import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Database from "../src/Database.js"
import * as GuardSeats from "../src/GuardSeats.js"
import type { ConnectionId } from "../src/Ids.js"
import * as Reports from "../src/Reports.js"
import { makeConnection, makeUser } from "./fixtures.js"
import { makeActivity, makeProduct, makeRole, type Org, syncOrg } from "./orgFixtures.js"

const jira = makeProduct("jira-software", 10)
const users = Array.from({ length: 6 }, (_, i) => makeUser(`g-${i}`))
/** One product only: removing Guard is then one product of two, far above the deletion guard's 20 %. */
const org: Org = {
  products: [jira],
  users,
  groups: [],
  memberships: [],
  roles: users.map((user) => makeRole(user.accountId, jira)),
  // Never active on Jira: every Jira seat is a reclaim candidate, and still none is Guard's.
  activity: users.map((user) => makeActivity(user.accountId, jira, null, new Date()))
}

const guardLedger = (connectionId: ConnectionId) =>
  Effect.map(Reports.seatLedger(connectionId), (rows) =>
    rows.filter((row) => row.productId === GuardSeats.productId)
  )

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("GuardSeats in the run merge", (it) => {
  it.effect("a counted run writes the Guard product's row; an uncounted run removes the product", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const connection = yield* makeConnection("guard")
      const first = yield* syncOrg(connection.id, org, { guardBillable: 4 })
      expect(first.result.entities.product.inserted).toBe(2)
      const products = yield* sql<{
        readonly productKey: string
        readonly name: string
        readonly cloudId: string
      }>`
        SELECT product_key AS "productKey", name, cloud_id AS "cloudId" FROM seatsync.product
        WHERE connection_id = ${connection.id} AND product_id = ${GuardSeats.productId} AND deleted_at IS NULL`
      expect(products).toEqual([
        { productKey: "atlassian-guard", name: "Atlassian Guard", cloudId: connection.orgId }
      ])
      expect(yield* guardLedger(connection.id)).toMatchObject([
        { capacity: null, assigned: 4, billable: 4, active30: 0, active90: 0, neverActive: 0, reclaimable: 0 }
      ])
      // Another count the same day replaces the day's row; the product itself is unchanged.
      const second = yield* syncOrg(connection.id, org, { guardBillable: 5 })
      expect(second.result.entities.product).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 })
      expect((yield* guardLedger(connection.id)).map((row) => row.billable)).toEqual([5])
      const candidates = yield* Reports.reclaimCandidates(connection.id, { inactiveAfterDays: 1 })
      expect(candidates.length).toBeGreaterThan(0)
      expect(candidates.some((row) => row.productId === GuardSeats.productId)).toBe(false)

      // Not counted: the product goes (no DeletionGuardTripped for it), the ledger keeps the past day.
      const third = yield* syncOrg(connection.id, org)
      const now = yield* Reports.seatUtilisation(connection.id)
      expect(now.map((row) => row.productKey)).toEqual(["jira-software"])
      expect(third.result.entities.product.deleted).toBe(0)
      const logged = yield* sql<{ readonly kind: string }>`
        SELECT kind FROM seatsync.change_log WHERE connection_id = ${connection.id} AND run_id = ${third.runId}
          AND entity = 'product' AND entity_key ->> 'product_id' = ${GuardSeats.productId}`
      expect(logged.map((row) => row.kind)).toEqual(["delete"])
      expect((yield* guardLedger(connection.id)).map((row) => row.billable)).toEqual([5])
      const counts =
        yield* sql`SELECT 1 FROM seatsync.guard_seat_count WHERE connection_id = ${connection.id}`
      expect(counts).toEqual([])

      // Counted again: restored like any product Atlassian lists again.
      const fourth = yield* syncOrg(connection.id, org, { guardBillable: 3 })
      expect(fourth.result.entities.product.restored).toBe(1)
      expect((yield* Reports.seatUtilisation(connection.id)).map((row) => row.productKey)).toEqual([
        "atlassian-guard",
        "jira-software"
      ])
    })
  )
})

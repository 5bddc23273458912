/**
 * Guard seats: a connection with Atlassian Guard enabled walks the v1 managed accounts once per run and its
 * seat ledger gets an `atlassian-guard` row counting the accounts Guard bills (active managed accounts
 * holding a billable role, in the simulator); a connection without Guard makes no such call and gets no such
 * row; a failed walk fails the run and writes nothing; turning Guard off removes the product without
 * tripping the deletion guard; and the Guard product never has reclaim candidates.
 */
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { unpaced } from "@seatsync/atlassian-client"
import { Fault, OrgTables, Simulator } from "@seatsync/atlassian-simulator"
import { Connections, Database, GuardSeats, Reports, SyncRuns } from "@seatsync/store"
import { Effect, Exit, Layer, Redacted } from "effect"
import { ConnectionRunner, planConnection, runSync } from "../src/index.js"
import { clientFor } from "./support.js"

/** What Guard bills in the simulated organisation, read from its model, not from any endpoint. */
const expectedGuardSeats = (organisation: Simulator.RunningSimulator["organisation"]) => {
  let billable = 0
  let managed = 0
  for (let index = 0; index < organisation.userCount; index++) {
    const user = organisation.user(index)
    if (user.claimStatus !== "managed") continue
    managed += 1
    if (user.status === "active" && user.roles.some((role) => OrgTables.billableRoles.has(role.role)))
      billable += 1
  }
  return { billable, managed }
}

const runnerFor = (simulator: Simulator.RunningSimulator) =>
  ConnectionRunner.layer({
    adminBaseUrl: simulator.adminBaseUrl,
    pacing: unpaced,
    unsafeAnySiteHost: true
  }).pipe(Layer.provide(FetchHttpClient.layer))

const guardRows = (connectionId: Connections.Connection["id"]) =>
  Effect.map(Reports.seatLedger(connectionId), (rows) =>
    rows.filter((row) => row.productId === GuardSeats.productId)
  )

describe("Guard seats", () => {
  it.layer(Database.layerThrowaway, { timeout: 240_000 })((it) => {
    it.scoped("Guard enabled: the ledger's atlassian-guard row counts the accounts Guard bills", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ seed: 31, users: 260, products: 3 })
        const connection = yield* Connections.upsert({
          name: "guard-on",
          orgId: simulator.orgId,
          guard: "enabled"
        })
        const expected = expectedGuardSeats(simulator.organisation)
        // Not a trivial count: some managed accounts are not billed (suspended, or no billable role).
        expect(expected.billable).toBeGreaterThan(0)
        expect(expected.billable).toBeLessThan(expected.managed)
        const runner = yield* Effect.provide(ConnectionRunner.ConnectionRunner, runnerFor(simulator))
        const summary = yield* runner.sync(connection, {
          trigger: "cli",
          apiKey: { _tag: "Given", apiKey: Redacted.make(simulator.apiKey) }
        })
        const calls = yield* simulator.requestCounts
        // One walk: the managed users and the app/customer accounts, 100 a page, ending on a short page.
        const listed = expected.managed + simulator.organisation.extraAccountCount
        expect(calls.getUsers).toBe(Math.floor(listed / 100) + 1)
        const day = summary.startedAt.toISOString().slice(0, 10)
        expect(yield* guardRows(connection.id)).toEqual([
          {
            connectionId: connection.id,
            connectionName: "guard-on",
            productId: "atlassian-guard",
            productKey: "atlassian-guard",
            productName: "Atlassian Guard",
            day,
            capacity: null,
            assigned: expected.billable,
            billable: expected.billable,
            active30: 0,
            active60: 0,
            active90: 0,
            neverActive: 0,
            reclaimable: 0
          }
        ])
        const now = yield* Reports.seatUtilisation(connection.id)
        expect(now.find((row) => row.productId === "atlassian-guard")).toMatchObject({
          billable: expected.billable,
          capacity: null,
          utilisation: null
        })
        const candidates = yield* Reports.reclaimCandidates(connection.id, { inactiveAfterDays: 1 })
        expect(candidates.length).toBeGreaterThan(0)
        expect(candidates.filter((row) => row.productId === "atlassian-guard")).toEqual([])
        const run = (yield* SyncRuns.listRecent(connection.id, 1))[0]
        expect(run?.entityCounts["guard.listed"]).toBe(listed)
        expect(run?.entityCounts["guard.billable"]).toBe(expected.billable)

        // The plan of the next run counts the Guard walk from this run's guard.listed: exactly its calls.
        const planned = yield* planConnection(connection, {
          apiKey: { _tag: "Given", apiKey: Redacted.make(simulator.apiKey) },
          roleHolders: "count"
        }).pipe(Effect.provide(runnerFor(simulator)))
        expect(planned.plan.listings.find((line) => line.name === "managed accounts (Guard)")?.calls).toBe(
          calls.getUsers
        )

        // A second run the same day keeps one row; Guard turned off then removes the product (3 products +
        // Guard: one of four is more than the deletion guard's 20 %, which must not trip for it).
        const second = yield* runner.sync(connection, {
          trigger: "cli",
          apiKey: { _tag: "Given", apiKey: Redacted.make(simulator.apiKey) }
        })
        expect(second.api.retries).toBe(0)
        expect(planned.plan.totalCalls).toBe(second.api.apiCalls)
        expect((yield* guardRows(connection.id)).length).toBe(1)
        const walked = (yield* simulator.requestCounts).getUsers ?? 0
        expect(walked).toBe(2 * (calls.getUsers ?? 0))
        const off = yield* Connections.upsert({ name: "guard-on", orgId: simulator.orgId, guard: "disabled" })
        yield* runner.sync(off, {
          trigger: "cli",
          apiKey: { _tag: "Given", apiKey: Redacted.make(simulator.apiKey) }
        })
        expect((yield* simulator.requestCounts).getUsers ?? 0).toBe(walked)
        const after = yield* Reports.seatUtilisation(connection.id)
        expect(after.some((row) => row.productId === "atlassian-guard")).toBe(false)
      })
    )

    it.scoped("Guard not enabled: no managed-accounts call and no Guard row", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ seed: 32, users: 120, products: 3 })
        const connection = yield* Connections.upsert({ name: "guard-unknown", orgId: simulator.orgId })
        expect(connection.guard).toBe("unknown")
        const runner = yield* Effect.provide(ConnectionRunner.ConnectionRunner, runnerFor(simulator))
        const summary = yield* runner.sync(connection, {
          trigger: "cli",
          apiKey: { _tag: "Given", apiKey: Redacted.make(simulator.apiKey) }
        })
        expect(summary.ledgerRows).toBeGreaterThan(0)
        expect((yield* simulator.requestCounts).getUsers ?? 0).toBe(0)
        expect(yield* guardRows(connection.id)).toEqual([])
      })
    )

    it.scoped("a failed managed-accounts page fails the run: no Guard row, never a zero", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({
          seed: 33,
          users: 150,
          products: 2,
          faults: [Fault.status("getUsers", 400, { calls: { nth: 2 } })]
        })
        const connection = yield* Connections.upsert({
          name: "guard-fails",
          orgId: simulator.orgId,
          guard: "enabled"
        })
        const exit = yield* Effect.exit(
          runSync(connection, { trigger: "cli", guard: true }).pipe(Effect.provide(clientFor(simulator)))
        )
        expect(Exit.isFailure(exit)).toBe(true)
        expect((yield* SyncRuns.listRecent(connection.id, 1))[0]?.status).toBe("failed")
        expect(yield* guardRows(connection.id)).toEqual([])
        expect(yield* Reports.seatLedger(connection.id)).toEqual([])
      })
    )
  })
})

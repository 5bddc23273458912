/**
 * The plan against the real walk: for simulated organisations of several shapes (totals that are exact
 * multiples of a page included), a plan with counted role holders predicts exactly the calls a full
 * `runSync` then makes; a plan from the last run's totals stays within 10 %; and planning a stored
 * connection records no run and changes no row.
 */
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { AtlassianClient, unpaced } from "@seatsync/atlassian-client"
import { Connections, Database, SyncRuns } from "@seatsync/store"
import { Effect, Layer, Option, Redacted } from "effect"
import {
  ConnectionRunner,
  planConnection,
  planSync,
  readOrgSize,
  runSync,
  sizeFromPreviousRun
} from "../src/index.js"
import { clientFor, liveSnapshot, setup } from "./support.js"

/** The org's size read with a fresh client, and the calls that reading cost. */
const sizeOf = (simulator: Parameters<typeof clientFor>[0], holders: Parameters<typeof readOrgSize>[2]) =>
  Effect.flatMap(AtlassianClient.AtlassianClient, (client) =>
    readOrgSize(client, simulator.orgId, holders)
  ).pipe(Effect.provide(clientFor(simulator)))

const runnerFor = (simulator: Parameters<typeof clientFor>[0]) =>
  ConnectionRunner.layer({
    adminBaseUrl: simulator.adminBaseUrl,
    pacing: unpaced,
    unsafeAnySiteHost: true
  }).pipe(Layer.provide(FetchHttpClient.layer))

describe("SyncPlan against the sync it plans", () => {
  it.layer(Database.layerThrowaway, { timeout: 240_000 })((it) => {
    const shapes = [
      { users: 200, groups: 100, products: 3 },
      { users: 737, groups: 41, products: 9 },
      { users: 1_250, groups: 130, products: 12 }
    ]
    for (const shape of shapes) {
      it.scoped(
        `predicts exactly the calls of a full sync of ${shape.users} users, ${shape.groups} groups, ${shape.products} products`,
        () =>
          Effect.gen(function* () {
            const { simulator, connection } = yield* setup(shape)
            const size = yield* sizeOf(simulator, { _tag: "Count" })
            expect(size.users).toBeGreaterThanOrEqual(shape.users)
            expect(size.roleHolders._tag).toBe("Counted")
            const plan = planSync(size, unpaced)
            const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
              Effect.provide(clientFor(simulator))
            )
            expect(summary.api.retries).toBe(0)
            expect(plan.totalCalls).toBe(summary.api.apiCalls)
          })
      )
    }

    it.scoped("estimates from the last succeeded run within 10 % of the calls the next sync makes", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 900, groups: 60, products: 10 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        const planned = yield* planConnection(connection, {
          apiKey: { _tag: "Given", apiKey: Redacted.make(simulator.apiKey) },
          roleHolders: "proxy"
        }).pipe(Effect.provide(runnerFor(simulator)))
        expect(Option.isSome(planned.previous)).toBe(true)
        expect(planned.size.roleHolders).toMatchObject({ _tag: "Estimated", basis: "previous run" })
        const summary = yield* runSync(connection, { trigger: "cli" }).pipe(
          Effect.provide(clientFor(simulator))
        )
        const error = Math.abs(planned.plan.totalCalls - summary.api.apiCalls) / summary.api.apiCalls
        expect(error).toBeLessThan(0.1)
        // The worker's estimate reads nothing from Atlassian: the last run's staged counts alone.
        const fromLedger = planSync(sizeFromPreviousRun(Option.getOrThrow(planned.previous)), unpaced)
        expect(Math.abs(fromLedger.totalCalls - summary.api.apiCalls) / summary.api.apiCalls).toBeLessThan(
          0.1
        )
      })
    )

    it.scoped("plans a stored connection without recording a run or touching a live row", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 120, groups: 12 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        const runsBefore = yield* SyncRuns.listRecent(connection.id)
        const rowsBefore = yield* liveSnapshot(connection.id)
        const planned = yield* planConnection(connection, {
          apiKey: { _tag: "Given", apiKey: Redacted.make(simulator.apiKey) },
          roleHolders: "count"
        }).pipe(Effect.provide(runnerFor(simulator)))
        expect(planned.plan.exact).toBe(true)
        expect(planned.readCalls).toBeGreaterThan(0)
        expect(yield* SyncRuns.listRecent(connection.id)).toEqual(runsBefore)
        expect(yield* liveSnapshot(connection.id)).toEqual(rowsBefore)
        expect(Option.isSome(yield* Connections.findByName(connection.name))).toBe(true)
      })
    )
  })
})

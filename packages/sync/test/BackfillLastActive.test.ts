import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { AtlassianClient, unpaced } from "@seatsync/atlassian-client"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Connections, Database, SyncRuns } from "@seatsync/store"
import { Effect, Fiber, Layer, Redacted } from "effect"
import * as TestServices from "effect/TestServices"
import { backfillLastActive, runSync } from "../src/index.js"

const client = (simulator: Simulator.RunningSimulator) =>
  AtlassianClient.layer({
    apiKey: Redacted.make(simulator.apiKey),
    adminBaseUrl: simulator.adminBaseUrl,
    pacing: unpaced
  }).pipe(Layer.provide(FetchHttpClient.layer))

describe("backfillLastActive", () => {
  it.layer(Database.layerThrowaway, { timeout: 120_000 })((it) => {
    it.scoped("asks about stale users within its budget, in chunks, and resumes after an interruption", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ seed: 11, users: 80 })
        const connection = yield* Connections.upsert({ name: "backfill", orgId: simulator.orgId })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(client(simulator)))
        // Everything the sync observed counts as stale for this test (staleAfterDays 0).
        const options = { staleAfterDays: 0, chunkSize: 10 } as const

        const asked: Array<readonly [number, number]> = []
        const first = yield* backfillLastActive(connection, {
          ...options,
          budget: 25,
          onUserAsked: (done, remaining) => Effect.sync(() => void asked.push([done, remaining]))
        }).pipe(Effect.provide(client(simulator)))
        expect(first.users).toBe(25)
        // One report per call, counting up across chunks while the budget counts down.
        expect(asked).toHaveLength(25)
        expect(asked.map(([done]) => done)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
        expect(asked.every(([done, remaining]) => done + remaining === 25)).toBe(true)
        expect(first.remainingBudget).toBe(0)
        expect(first.complete).toBe(false)
        const calls = yield* simulator.requestCounts
        expect(Object.entries(calls).find(([op]) => op.toLowerCase().includes("lastactive"))?.[1]).toBe(25)

        // Interrupt a second backfill after its first chunk, then resume: the rest of its budget is used.
        const firstChunk = yield* Effect.makeLatch(false)
        const fiber = yield* backfillLastActive(connection, {
          ...options,
          budget: 30,
          onProgress: (done) => (done >= 10 ? firstChunk.open : Effect.void)
        }).pipe(Effect.provide(client(simulator)), Effect.fork)
        yield* firstChunk.await
        yield* Fiber.interrupt(fiber)
        const resumed = yield* backfillLastActive(connection, { ...options, resume: true }).pipe(
          Effect.provide(client(simulator))
        )
        expect(resumed.users).toBeLessThanOrEqual(20)
        expect(resumed.users).toBeGreaterThan(0)

        const runs = yield* SyncRuns.listRecent(connection.id, 50)
        expect(runs.filter((run) => run.status === "running")).toHaveLength(0)
        expect(
          runs.some((run) => run.status === "succeeded" && run.entityCounts["backfill.users"] === 10)
        ).toBe(true)
      }).pipe(TestServices.provideLive)
    )
  })
})

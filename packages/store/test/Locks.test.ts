import { expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Option } from "effect"
import * as Database from "../src/Database.js"
import * as Locks from "../src/Locks.js"
import * as Staging from "../src/Staging.js"
import * as SyncRuns from "../src/SyncRuns.js"
import { makeConnection, makeUsers } from "./fixtures.js"

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("Locks", (it) => {
  it.effect(
    "a concurrent second run gets LockHeld naming the connection by its name and the running run; the lock is free again after",
    () =>
      Effect.gen(function* () {
        const connection = yield* makeConnection()
        const locked = yield* Deferred.make<SyncRuns.SyncRun["id"]>()
        const release = yield* Deferred.make<void>()
        const first = yield* Effect.fork(
          Locks.withConnectionLock(
            connection.id,
            Effect.gen(function* () {
              const runId = yield* SyncRuns.start(connection.id, "worker")
              yield* Deferred.succeed(locked, runId)
              yield* Deferred.await(release)
              yield* SyncRuns.succeed(runId, SyncRuns.emptyStats)
              return "first"
            })
          )
        )
        const runId = yield* Deferred.await(locked)
        const second = yield* Effect.flip(Locks.withConnectionLock(connection.id, Effect.succeed("second")))
        expect(second).toMatchObject({
          _tag: "LockHeld",
          connectionId: connection.id,
          connectionName: connection.name,
          heldBy: runId
        })
        expect(second.message).toBe(
          `Connection ${connection.name} is already being synced by run ${runId}; wait for it to finish (or stop it) and try again`
        )
        // Another connection is not affected.
        const other = yield* makeConnection()
        expect(yield* Locks.withConnectionLock(other.id, Effect.succeed("other"))).toBe("other")
        yield* Deferred.succeed(release, undefined)
        expect(yield* Fiber.join(first)).toBe("first")
        expect(yield* Locks.withConnectionLock(connection.id, Effect.succeed("again"))).toBe("again")
      })
  )

  it.effect("an interrupted holder releases the lock", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const locked = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(
        Locks.withConnectionLock(
          connection.id,
          Effect.zipRight(Deferred.succeed(locked, undefined), Effect.never)
        )
      )
      yield* Deferred.await(locked)
      expect((yield* Effect.flip(Locks.withConnectionLock(connection.id, Effect.void)))._tag).toBe("LockHeld")
      yield* Fiber.interrupt(holder)
      expect(yield* Locks.withConnectionLock(connection.id, Effect.succeed("free"))).toBe("free")
    })
  )

  it.effect("a failing holder releases the lock too", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      yield* Effect.flip(Locks.withConnectionLock(connection.id, Effect.fail("boom")))
      expect(yield* Locks.withConnectionLock(connection.id, Effect.succeed("free"))).toBe("free")
    })
  )

  it.effect(
    "markAbandoned, under the lock, interrupts runs a dead process left running and drops their staging",
    () =>
      Effect.gen(function* () {
        const connection = yield* makeConnection()
        const crashed = yield* SyncRuns.start(connection.id, "worker")
        yield* Staging.stage("org_user", crashed, connection.id, makeUsers(3))
        const abandoned = yield* Locks.withConnectionLock(
          connection.id,
          Effect.gen(function* () {
            const mine = yield* SyncRuns.start(connection.id, "cli")
            return yield* SyncRuns.markAbandoned(connection.id, mine)
          })
        )
        expect(abandoned).toEqual([crashed])
        const run = Option.getOrThrow(yield* SyncRuns.findById(crashed))
        expect(run.status).toBe("interrupted")
        expect(run.error).toMatchObject({ _tag: "Abandoned" })
        expect(yield* Staging.discardRun(crashed)).toBe(0)
      })
  )
})

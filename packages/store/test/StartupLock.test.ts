import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Ref, Scope } from "effect"
import * as Database from "../src/Database.js"
import * as StartupLock from "../src/StartupLock.js"

/** Sessions waiting for an advisory lock. */
const waitingForAdvisoryLock = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(
    sql<{ readonly waiting: number }>`
      SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
    (rows) => rows[0]?.waiting ?? 0
  )
)

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("StartupLock", (it) => {
  it.effect("a second set-up waits until the first has finished, then runs", () =>
    Effect.gen(function* () {
      const events = yield* Ref.make<ReadonlyArray<string>>([])
      const log = (event: string) => Ref.update(events, (all) => [...all, event])
      const holding = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const first = yield* Effect.fork(
        StartupLock.withLock(
          Effect.gen(function* () {
            yield* log("first starts")
            yield* Deferred.succeed(holding, undefined)
            yield* Deferred.await(release)
            yield* log("first ends")
          })
        )
      )
      yield* Deferred.await(holding)
      const second = yield* Effect.fork(StartupLock.withLock(log("second runs")))
      // The second's session is queued behind the first's lock in the server.
      yield* waitingForAdvisoryLock.pipe(Effect.repeat({ until: (waiting) => waiting > 0 }))
      expect(yield* Ref.get(events)).toEqual(["first starts"])
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(first)
      yield* Fiber.join(second)
      expect(yield* Ref.get(events)).toEqual(["first starts", "first ends", "second runs"])
    })
  )

  it.effect("a failed set-up releases the lock", () =>
    Effect.gen(function* () {
      const failed = yield* Effect.exit(StartupLock.withLock(Effect.fail("no")))
      expect(Exit.isFailure(failed)).toBe(true)
      expect(yield* StartupLock.withLock(Effect.succeed("next")).pipe(Effect.timeout("5 seconds"))).toBe(
        "next"
      )
    })
  )

  it.effect("what the set-up acquires stays in the caller's scope, after the lock is released", () =>
    Effect.gen(function* () {
      const released = yield* Ref.make(false)
      const scope = yield* Scope.make()
      yield* StartupLock.withLock(Effect.addFinalizer(() => Ref.set(released, true))).pipe(
        Scope.extend(scope)
      )
      expect(yield* Ref.get(released)).toBe(false)
      yield* Scope.close(scope, Exit.void)
      expect(yield* Ref.get(released)).toBe(true)
    })
  )
})

import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Option, Schedule, TestServices } from "effect"
import * as Database from "../src/Database.js"
import * as RunMerge from "../src/RunMerge.js"
import * as SyncRuns from "../src/SyncRuns.js"
import { makeConnection, makeUser } from "./fixtures.js"
import { allComplete, makeProduct, makeRole, type Org, stageOrg } from "./orgFixtures.js"

/** An organisation big enough (> 1,000 new users) that its merge refreshes org_user's statistics. */
const bigOrg = (): Org => {
  const jira = makeProduct("jira-software", null)
  const users = Array.from({ length: 1200 }, (_, i) => makeUser(`big-${String(i).padStart(4, "0")}`))
  return {
    products: [jira],
    users,
    groups: [],
    memberships: [],
    roles: users.slice(0, 10).map((u) => makeRole(u.accountId, jira)),
    activity: []
  }
}

/** Sessions of this database waiting for a lock they have not been granted. */
const lockWaiters = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(
    sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`,
    (rows) => rows[0]?.n ?? 0
  )
)

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("concurrent merges", (it) => {
  // Two connections' merges run side by side in a worker fleet. Each ANALYZE holds a lock on its table to the
  // end of the merge's transaction, and a second ANALYZE of that table waits for it: a merge that takes those
  // locks out of the entities' order (product, org_user, …) deadlocks with one that takes them in order.
  // The other transaction here stands for a merge holding product's statistics lock and then wanting
  // org_user's, as every merge does.
  it.effect("a merge takes its statistics locks in the entities' order, so two merges never deadlock", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const connection = yield* makeConnection("concurrent")
      const runId = yield* SyncRuns.start(connection.id, "cli")
      yield* stageOrg(runId, connection.id, bigOrg())

      const holdsProduct = yield* Deferred.make<void>()
      const mergeWaits = yield* Deferred.make<void>()
      const other = yield* Effect.fork(
        sql.withTransaction(
          Effect.gen(function* () {
            yield* sql`ANALYZE seatsync.product`
            yield* Deferred.succeed(holdsProduct, undefined)
            yield* Deferred.await(mergeWaits)
            yield* sql`ANALYZE seatsync.org_user`
          })
        )
      )
      yield* Deferred.await(holdsProduct)
      const merge = yield* Effect.fork(
        RunMerge.mergeRun(runId, connection.id, { complete: allComplete, today: new Date() })
      )
      // The merge runs until it needs a lock the other transaction holds, or to its end when it needs none
      // (polled on the real clock).
      yield* TestServices.provideLive(
        Effect.zip(lockWaiters, Fiber.poll(merge)).pipe(
          Effect.repeat({
            schedule: Schedule.spaced("50 millis"),
            until: ([waiting, done]) => waiting > 0 || Option.isSome(done)
          }),
          Effect.timeout("60 seconds")
        )
      )
      yield* Deferred.succeed(mergeWaits, undefined)

      const otherExit = yield* Fiber.await(other)
      const mergeExit = yield* Fiber.await(merge)
      expect(String(otherExit)).not.toContain("deadlock")
      expect(otherExit._tag).toBe("Success")
      expect(mergeExit._tag).toBe("Success")
      const run = yield* SyncRuns.findById(runId)
      expect(Option.map(run, (r) => r.status)).toEqual(Option.some("succeeded"))
    })
  )

  it.effect("a routine merge does not queue behind another merge's statistics", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const connection = yield* makeConnection("routine")
      const runId = yield* SyncRuns.start(connection.id, "cli")
      const small = bigOrg()
      yield* stageOrg(runId, connection.id, { ...small, users: small.users.slice(0, 20) })

      const holding = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const other = yield* Effect.fork(
        sql.withTransaction(
          Effect.gen(function* () {
            yield* sql`ANALYZE seatsync.product, seatsync.org_user, seatsync.product_role, seatsync.product_activity`
            yield* Deferred.succeed(holding, undefined)
            yield* Deferred.await(release)
          })
        )
      )
      yield* Deferred.await(holding)
      // While the other transaction still holds every statistics lock, this merge completes.
      const merged = yield* TestServices.provideLive(
        RunMerge.mergeRun(runId, connection.id, { complete: allComplete, today: new Date() }).pipe(
          Effect.timeout("60 seconds"),
          Effect.either
        )
      )
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(other)
      expect(merged._tag).toBe("Right")
      const run = yield* SyncRuns.findById(runId)
      expect(Option.map(run, (r) => r.status)).toEqual(Option.some("succeeded"))
    })
  )
})

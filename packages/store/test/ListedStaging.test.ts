import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as Database from "../src/Database.js"
import * as Staging from "../src/Staging.js"
import * as SyncRuns from "../src/SyncRuns.js"
import { makeConnection, makeUser, makeUsers } from "./fixtures.js"

const stagedIds = (runId: SyncRuns.SyncRun["id"]) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ readonly accountId: string; readonly name: string }>`
      SELECT account_id AS "accountId", name FROM seatsync.org_user_stage WHERE run_id = ${runId}
      ORDER BY account_id`
  )

const repeatsAreCounted = Effect.gen(function* () {
  const connection = yield* makeConnection()
  const runId = yield* SyncRuns.start(connection.id, "cli")
  const first = yield* Staging.stageListed("org_user", runId, connection.id, makeUsers(5))
  expect(first).toEqual({ staged: 5, repeated: 0, repeatedKey: undefined })
  // Repeated inside one batch: the first version is kept, the repeat counted and named.
  const inBatch = yield* Staging.stageListed("org_user", runId, connection.id, [
    makeUser("acc-new"),
    makeUser("acc-new", { name: "second copy" })
  ])
  expect(inBatch).toEqual({ staged: 1, repeated: 1, repeatedKey: "acc-new" })
  // Repeated from an earlier batch: nothing is overwritten.
  const earlier = makeUsers(5)[2]?.accountId ?? ""
  const across = yield* Staging.stageListed("org_user", runId, connection.id, [
    makeUser(earlier, { name: "overwritten?" }),
    makeUser("acc-last")
  ])
  expect(across).toEqual({ staged: 1, repeated: 1, repeatedKey: earlier })
  const rows = yield* stagedIds(runId)
  expect(rows).toHaveLength(7)
  expect(rows.find((row) => row.accountId === "acc-new")?.name).not.toBe("second copy")
  expect(rows.some((row) => row.name === "overwritten?")).toBe(false)
})

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("Staging.stageListed", (it) => {
  it.effect(
    "counts every key a listing names twice in one run, without overwriting (COPY)",
    () => repeatsAreCounted
  )

  it.effect("records a run's reconciliation in the ledger, and reads it back", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const runId = yield* SyncRuns.start(connection.id, "cli")
      const reconciliation: SyncRuns.Reconciliation = {
        entities: {
          org_user: {
            expectedBefore: 2100,
            expectedAfter: 2100,
            listed: 2000,
            stored: 2000,
            tolerance: 0,
            drift: true
          }
        },
        directories: [{ directoryId: "d-1", usersBefore: 2100, usersAfter: 2100 }],
        kept: [
          { entity: "org_user", reason: "drift" },
          { entity: "group_membership", reason: "drift" }
        ]
      }
      const finished = yield* SyncRuns.succeed(runId, { ...SyncRuns.emptyStats, reconciliation })
      expect(finished.reconciliation).toEqual(reconciliation)
      expect(Option.getOrThrow(yield* SyncRuns.findById(runId)).reconciliation).toEqual(reconciliation)
      expect(SyncRuns.drifted(finished.reconciliation)).toEqual(["org_user"])
      const other = yield* SyncRuns.start(connection.id, "cli")
      expect((yield* SyncRuns.fail(other, { _tag: "X" }, SyncRuns.emptyStats)).reconciliation).toBeNull()
    })
  )
})

/**
 * Staging in the background: a full batch is written by a fiber of its own while the listings go on, so
 * the run must still stage every record exactly once (the flush waits for the batch in flight), fail with
 * the batch's own error when a background batch fails, and leave no staged row of a failed run behind.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Fault } from "@seatsync/atlassian-simulator"
import { OrgGroup } from "@seatsync/normalise"
import { Connections, Database, Entities, SyncRuns } from "@seatsync/store"
import { Effect } from "effect"
import { runSync } from "../src/index.js"
import { makeStagingBuffer } from "../src/StagingBuffer.js"
import { clientFor, liveCounts, liveSnapshot, setup } from "./support.js"

/** Staged rows of a run, every entity's staging table together. */
const stagedRows = (runId: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    let total = 0
    for (const table of Entities.entities) {
      const rows = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM ${sql(`seatsync.${table}_stage`)} WHERE run_id = ${runId}`
      total += rows[0]?.n ?? 0
    }
    return total
  })

/** `count` groups numbered from `first`. */
const groupsFrom = (first: number, count: number) =>
  Array.from(
    { length: count },
    (_, n) =>
      new OrgGroup({
        groupId: `group-${first + n}`,
        name: `Group ${first + n}`,
        description: null,
        directoryId: null,
        externalSynced: null,
        managedBy: null
      })
  )

describe("staging in the background", () => {
  it.layer(Database.layerThrowaway, { timeout: 180_000 })((it) => {
    it.scoped("flush returns only once the batch staged in the background is in the staging table", () =>
      Effect.gen(function* () {
        const connection = yield* Connections.upsert({ name: "background-flush", orgId: "org-flush" })
        const runId = yield* SyncRuns.start(connection.id, "cli")
        const buffer = yield* makeStagingBuffer(runId, connection.id, 10)
        const groups = groupsFrom(0, 13)
        // The first 10 fill a batch, which goes to the background; the last 3 are staged by the flush.
        yield* buffer.add("org_group", groups)
        yield* buffer.flush
        expect(buffer.staged().org_group).toBe(13)
        expect(yield* stagedRows(runId)).toBe(13)
      })
    )

    it.scoped(
      "once a background batch has failed, the next full batch is not written: the add raises the failure",
      () =>
        Effect.gen(function* () {
          const connection = yield* Connections.upsert({ name: "background-failed", orgId: "org-failed" })
          const runId = yield* SyncRuns.start(connection.id, "cli")
          const buffer = yield* makeStagingBuffer(runId, connection.id, 10)
          // Batch A stages group-0…9; batch B repeats those keys, so it fails in the background.
          yield* buffer.add("org_group", groupsFrom(0, 10))
          yield* buffer.add("org_group", groupsFrom(0, 10))
          // Batch C is full too, but B has failed by the time C could be written: C's add raises B's error.
          const error = yield* Effect.flip(buffer.add("org_group", groupsFrom(20, 10)))
          expect(error._tag).toBe("RepeatedRecords")
          // The flush waits for whatever is in flight and raises the failure again; only batch A was written.
          expect((yield* Effect.flip(buffer.flush))._tag).toBe("RepeatedRecords")
          expect(buffer.staged().org_group).toBe(10)
          expect(yield* stagedRows(runId)).toBe(10)
        })
    )

    it.scoped("with batches of 7 records every record is staged once: the same rows as one big batch", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 180 })
        const small = yield* runSync(connection, { trigger: "cli", batchSize: 7 }).pipe(
          Effect.provide(clientFor(simulator))
        )
        const counts = yield* liveCounts(connection.id)
        const other = yield* setup({ users: 180 })
        const large = yield* runSync(other.connection, { trigger: "cli", batchSize: 5000 }).pipe(
          Effect.provide(clientFor(other.simulator))
        )
        expect(counts.org_user).toBe(180)
        expect(counts.group_membership).toBeGreaterThan(180)
        expect(counts.product_role).toBeGreaterThan(0)
        expect(yield* liveCounts(other.connection.id)).toEqual(counts)
        for (const entity of Entities.entities) {
          expect(small.entities[entity].staged).toBe(large.entities[entity].staged)
        }
      })
    )

    it.scoped("a background batch that fails fails the run with its error and leaves nothing staged", () =>
      Effect.gen(function* () {
        const { simulator, connection } = yield* setup({ users: 300 })
        yield* runSync(connection, { trigger: "cli" }).pipe(Effect.provide(clientFor(simulator)))
        const before = yield* liveSnapshot(connection.id)
        // The second users page repeats the first: with batches of 50, a background batch meets the keys.
        yield* simulator.setFaults([Fault.repeatedPage("searchDirectoryUsers", { nth: 2 })])
        const error = yield* Effect.flip(
          runSync(connection, { trigger: "cli", batchSize: 50 }).pipe(Effect.provide(clientFor(simulator)))
        )
        expect(error._tag).toBe("RepeatedRecords")
        const [latest] = yield* SyncRuns.listRecent(connection.id, 1)
        expect(latest).toMatchObject({ status: "failed", error: { _tag: "RepeatedRecords" } })
        expect(yield* stagedRows(latest?.id ?? 0)).toBe(0)
        expect(yield* liveSnapshot(connection.id)).toEqual(before)
      })
    )
  })
})

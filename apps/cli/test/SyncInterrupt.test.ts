/**
 * SIGTERM (a platform stopping the job) in the middle of `seatsync sync`: exit 130, the run recorded as
 * `interrupted`, not one live row changed, and the embedded PostgreSQL shut down cleanly; the next sync
 * then applies everything.
 */
import { existsSync } from "node:fs"
import path from "node:path"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Connections, Database, SyncRuns } from "@seatsync/store"
import { Effect, Option, Schedule } from "effect"
import * as TestServices from "effect/TestServices"
import { interruptedSentence } from "../src/ExitCode.js"
import { errorSentences, runCli, spawnCli, tempDataDir } from "./support.js"

/** The connection's runs (newest first), its live users, and a digest of every live user row. */
const snapshot = (dataDir: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const connection = Option.getOrThrow(yield* Connections.findByName("acme"))
    const [users] = yield* sql<{ readonly count: number; readonly digest: string }>`
      SELECT count(*)::int AS count, md5(coalesce(string_agg(u::text, '|' ORDER BY u.account_id), '')) AS digest
      FROM seatsync.org_user AS u WHERE u.connection_id = ${connection.id}`
    return {
      runs: (yield* SyncRuns.listRecent(connection.id, 10)).map((run) => run.status),
      users: users?.count,
      digest: users?.digest
    }
  }).pipe(Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir })))

describe("seatsync sync interrupted", () => {
  it.scoped(
    "SIGTERM mid-run: exit 130, run interrupted, no live row changed, database stopped cleanly; the next sync applies it",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* tempDataDir
        const apiKey = "interrupt-key"
        const before = yield* Simulator.start({ seed: 7, users: 200, apiKey })
        // The same organisation a little later: 100 more users, and slow answers to stop the sync among.
        const later = yield* Simulator.start({ seed: 7, users: 300, apiKey, latencyMillis: 40 })
        expect(later.orgId).toBe(before.orgId)
        const env = (simulator: Simulator.RunningSimulator) => ({
          SEATSYNC_DATA_DIR: dataDir,
          ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl,
          ATLASSIAN_API_KEY: apiKey,
          SEATSYNC_REQUESTS_PER_SECOND: "1000",
          SEATSYNC_REQUEST_BURST: "1000"
        })
        const args = ["sync", "--org-id", before.orgId, "--name", "acme"]

        expect((yield* runCli(args, env(before))).code).toBe(0)
        const synced = yield* snapshot(dataDir)
        expect(synced.runs).toEqual(["succeeded"])
        expect(synced.users).toBe(200)

        // Stopped once the run is well under way: a few pages into the slow organisation.
        const child = spawnCli(args, env(later))
        yield* later.requestCount.pipe(
          Effect.repeat({ until: (calls) => calls >= 8, schedule: Schedule.spaced("20 millis") })
        )
        child.signal("SIGTERM")
        const stopped = yield* child.closed
        expect(stopped.code).toBe(130)
        // One line says it was interrupted and changed nothing; no error sentence.
        expect(errorSentences(stopped.stderr)).toEqual([interruptedSentence])
        // The embedded cluster was shut down, not left running or killed: PostgreSQL removes its
        // postmaster.pid only on a clean shutdown.
        expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false)

        const afterStop = yield* snapshot(dataDir)
        expect(afterStop.runs).toEqual(["interrupted", "succeeded"])
        expect(afterStop.users).toBe(200)
        expect(afterStop.digest).toBe(synced.digest)
        const status = yield* runCli(["db", "status"], env(later))
        expect(status.stdout).toContain("stopped")

        // Nothing was lost: the next sync brings the 100 new users.
        const next = yield* runCli(args, env(later))
        expect(next.code).toBe(0)
        const applied = yield* snapshot(dataDir)
        expect(applied.runs).toEqual(["succeeded", "interrupted", "succeeded"])
        expect(applied.users).toBe(300)
        expect(applied.digest).not.toBe(synced.digest)
      }).pipe(TestServices.provideLive),
    240_000
  )
})

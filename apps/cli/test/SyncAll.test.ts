import { describe, expect, it } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Connections, Database, Locks, SyncRuns } from "@seatsync/store"
import { Effect, Option } from "effect"
import * as TestServices from "effect/TestServices"
import { runCli, tempDataDir } from "./support.js"

interface AllResult {
  readonly connection: string
  readonly status: "succeeded" | "failed" | "skipped"
  readonly summary?: { readonly runId: number; readonly entities: Record<string, Record<string, number>> }
  readonly error?: { readonly tag: string; readonly message: string }
  readonly exitCode?: number
  readonly reason?: string
}

describe("seatsync sync --all", () => {
  it.scoped(
    "syncs every connection in turn: a failure or a held lock does not stop the others, paused ones are skipped, the exit code is the first failure's",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* tempDataDir
        const simulator = yield* Simulator.start({ seed: 3, users: 40, apiKey: "all-key" })
        const env = {
          SEATSYNC_DATA_DIR: dataDir,
          ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl,
          // Connections registered without a stored key use this one.
          ATLASSIAN_API_KEY: "all-key",
          SEATSYNC_REQUESTS_PER_SECOND: "1000",
          SEATSYNC_REQUEST_BURST: "1000"
        }
        const first = yield* runCli(["sync", "--org-id", simulator.orgId, "--name", "acme"], env)
        expect(first.code).toBe(0)

        // Three more connections (listed by name: acme, bogus, busy, cold): an organisation the key does
        // not reach, one whose run is already in progress elsewhere, and one paused after failures.
        const database = Database.layerEmbedded({ mode: "persistent", dataDir })
        const busy = yield* Effect.gen(function* () {
          yield* Connections.upsert({ name: "bogus", orgId: "00000000-0000-4000-8000-000000000000" })
          const cold = yield* Connections.upsert({ name: "cold", orgId: simulator.orgId })
          yield* Connections.recordFailure(cold.id, { reason: "the API key was rejected", pauseAfter: 1 })
          return yield* Connections.upsert({ name: "busy", orgId: simulator.orgId })
        }).pipe(Effect.provide(database))

        // Text, while this process holds busy's lock (the CLI joins the running embedded cluster).
        const text = yield* Locks.withConnectionLock(busy.id, runCli(["sync", "--all"], env)).pipe(
          Effect.provide(database)
        )
        expect(text.code).toBe(5)
        expect(text.stdout).toContain("── acme (1 of 4) ──")
        expect(text.stdout).toContain("– skipped cold: paused since")
        expect(text.stdout).toContain(
          "(the API key was rejected); resume it with `seatsync connect cold --resume`"
        )
        expect(text.stderr).toContain("seatsync: bogus: ")
        expect(text.stderr).toContain("/o/<orgId>")
        expect(text.stderr).toMatch(/seatsync: busy: .*Wait for that run to finish/)
        // One summary table for the run that succeeded, then one line per connection.
        expect(text.stdout).toMatch(/acme:\n✓ run #\d+ succeeded in [\d.]+ s/)
        expect(text.stdout).toMatch(/ users\s+40\s+0\s+0\s+0\s+40\s+0\n/)
        expect(text.stdout).toMatch(/\n\n4 connections:\n {2}✓ acme {3}run #\d+ succeeded in [\d.]+ s\n/)
        expect(text.stdout).toMatch(/\n {2}✗ bogus {2}failed \(exit 5\): /)
        expect(text.stdout).toMatch(/\n {2}✗ busy {3}failed \(exit 10\): /)
        expect(text.stdout).toMatch(/\n {2}– cold {3}skipped: paused since \d{4}-/)

        // JSON, without the held lock: one array, errors as { tag, message }.
        const json = yield* runCli(["sync", "--all", "--json"], env)
        expect(json.code).toBe(5)
        const results = JSON.parse(json.stdout) as ReadonlyArray<AllResult>
        expect(results.map((result) => [result.connection, result.status])).toEqual([
          ["acme", "succeeded"],
          ["bogus", "failed"],
          ["busy", "succeeded"],
          ["cold", "skipped"]
        ])
        expect(results[0]?.summary?.entities.org_user).toMatchObject({ staged: 40, unchanged: 40 })
        expect(results[1]?.error?.tag).toBe("OrgNotFound")
        expect(results[1]?.error?.message).toContain("00000000-0000-4000-8000-000000000000")
        expect(results[1]?.exitCode).toBe(5)
        expect(results[2]?.summary?.entities.org_user).toMatchObject({ staged: 40, inserted: 40 })
        expect(results[3]?.reason).toBe("the API key was rejected")
        expect(json.stdout).not.toContain("all-key")

        // The ledger: busy's run under the held lock never started; the paused one never ran.
        const runs = yield* Effect.gen(function* () {
          const byName = (name: string) =>
            Effect.flatMap(Connections.findByName(name), (found) =>
              SyncRuns.listRecent(Option.getOrThrow(found).id, 10)
            )
          return {
            acme: yield* byName("acme"),
            busy: yield* byName("busy"),
            cold: yield* byName("cold"),
            bogus: yield* byName("bogus")
          }
        }).pipe(Effect.provide(database))
        expect(runs.acme.map((run) => run.status)).toEqual(["succeeded", "succeeded", "succeeded"])
        expect(runs.busy.map((run) => run.status)).toEqual(["succeeded"])
        expect(runs.cold).toHaveLength(0)
        expect(runs.bogus.map((run) => run.status)).toEqual(["failed", "failed"])
      }).pipe(TestServices.provideLive),
    180_000
  )

  it.scoped(
    "refuses --all together with a connection, --demo or --org-id (exit 2), before opening a database",
    () =>
      Effect.gen(function* () {
        // An unreachable DATABASE_URL: a usage error must not even try it.
        const env = { DATABASE_URL: "postgres://seatsync:secret@127.0.0.1:1/seatsync" }
        for (const args of [
          ["sync", "--all", "acme"],
          ["sync", "--all", "--demo"],
          ["sync", "--all", "--org-id", "8f2c6a0e-1b3d-4c5e-9f70-112233445566"]
        ]) {
          const result = yield* runCli(args, env)
          expect(result.code).toBe(2)
          expect(result.stderr).toContain("--all syncs every registered connection with its stored key; drop")
          expect(result.stderr).not.toContain("Database problem")
        }
      })
  )
})

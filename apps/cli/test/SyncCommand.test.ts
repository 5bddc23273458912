import { describe, expect, it } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Database, OrgUsers, SyncRuns } from "@seatsync/store"
import { Effect } from "effect"
import { runCli, tempDataDir } from "./support.js"

describe("seatsync sync", () => {
  it.scoped(
    "--demo twice leaves the same users and two succeeded runs",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* tempDataDir
        const env = { SEATSYNC_DATA_DIR: dataDir }
        const first = yield* runCli(["sync", "--demo", "--users", "150"], env)
        expect(first.stderr).not.toContain("seatsync:") // logs may appear on stderr, errors may not
        expect(first.code).toBe(0)
        expect(first.stdout).toMatch(/ users\s+150\s+150\s+0\s+0\s+0\s+0\n/)
        expect(first.stdout).toContain(`embedded PostgreSQL in ${dataDir}`)
        // Not a terminal (a pipe): plain progress lines on stdout, no cursor movement anywhere.
        expect(first.stdout).toMatch(
          /^→ run #1 started for connection "demo" \(org [\w-]+\)\n→ organisation verified: /
        )
        expect(first.stdout).toContain("  users: page 2, 150 records\n")
        expect(first.stdout).toMatch(/→ merging \d+ staged records into the live tables\n/)
        expect(`${first.stdout}${first.stderr}`).not.toContain("\u001b[")
        const second = yield* runCli(["sync", "--demo", "--users", "150", "--json"], env)
        expect(second.code).toBe(0)
        // --json: stdout is the one document, no progress.
        expect(second.stdout.trim().split("\n")).toHaveLength(1)
        const summary = JSON.parse(second.stdout) as {
          entities: Record<string, Record<string, number>>
          runId: number
        }
        expect(summary.entities.org_user).toMatchObject({
          staged: 150,
          inserted: 0,
          updated: 0,
          deleted: 0,
          unchanged: 150
        })

        // Open the same persistent cluster and look at what the two runs left.
        const stored = yield* Effect.gen(function* () {
          const runs = yield* SyncRuns.listRecent(undefined, 10)
          const connectionId = runs[0]!.connectionId
          return { runs, live: yield* OrgUsers.listLive(connectionId) }
        }).pipe(Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir })))
        expect(stored.runs.map((run) => [run.status, run.trigger])).toEqual([
          ["succeeded", "demo"],
          ["succeeded", "demo"]
        ])
        expect(stored.live).toHaveLength(150)
      }),
    120_000
  )

  it.scoped(
    "maps failures to one sentence and a documented exit code",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* tempDataDir
        const simulator = yield* Simulator.start({ users: 20, apiKey: "right-key" })
        const env = { SEATSYNC_DATA_DIR: dataDir, ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl }

        const badKey = yield* runCli(["sync", "--org-id", simulator.orgId], {
          ...env,
          ATLASSIAN_API_KEY: "wrong"
        })
        expect(badKey.code).toBe(3)
        expect(badKey.stderr).toContain("The Atlassian API key was rejected (401)")
        expect(badKey.stderr).toContain("Atlassian Administration → Settings → API keys")
        expect(badKey.stderr).not.toContain("wrong")

        const unknownOrg = yield* runCli(["sync", "--org-id", "00000000-0000-4000-8000-000000000000"], {
          ...env,
          ATLASSIAN_API_KEY: "right-key"
        })
        expect(unknownOrg.code).toBe(5)
        expect(unknownOrg.stderr).toContain("/o/<orgId>")

        const noKey = yield* runCli(["sync", "--org-id", simulator.orgId, "--api-key-env", "MY_KEY"], env)
        expect(noKey.code).toBe(2)
        expect(noKey.stderr).toContain("set the environment variable MY_KEY")

        const badOrgId = yield* runCli(["sync", "--org-id", "../../etc"], {
          ...env,
          ATLASSIAN_API_KEY: "right-key"
        })
        expect(badOrgId.code).toBe(2)
        expect(badOrgId.stderr).toContain('"../../etc" is not a whole organisation id')

        // A truncated paste is a usage error before anything is sent, not a 404 (exit 5) from Atlassian.
        const requestsBefore = yield* simulator.requestCount
        const truncated = yield* runCli(["sync", "--org-id", simulator.orgId.slice(0, 30)], {
          ...env,
          ATLASSIAN_API_KEY: "right-key"
        })
        expect(truncated.code).toBe(2)
        expect(truncated.stderr).toContain(`"${simulator.orgId.slice(0, 30)}" is not a whole organisation id`)
        expect(truncated.stderr).toContain("copy all of it")
        expect(yield* simulator.requestCount).toBe(requestsBefore)

        const keyWithSpace = yield* runCli(["sync", "--org-id", simulator.orgId], {
          ...env,
          ATLASSIAN_API_KEY: "right-key "
        })
        expect(keyWithSpace.code).toBe(2)
        expect(keyWithSpace.stderr).toContain("spaces")

        const unknownFlag = yield* runCli(["sync", "--bogus"], env)
        expect(unknownFlag.code).toBe(2)

        const good = yield* runCli(["sync", "--org-id", simulator.orgId, "--name", "acme"], {
          ...env,
          ATLASSIAN_API_KEY: "right-key"
        })
        expect(good.code).toBe(0)
        expect(good.stdout).toMatch(/ users\s+20\s+20\s/)
      }),
    120_000
  )

  it.scoped(
    "reports a dead database as a database problem with exit code 8",
    () =>
      Effect.gen(function* () {
        const result = yield* runCli(["sync", "--demo", "--users", "5"], {
          DATABASE_URL: "postgres://seatsync:hunter2@127.0.0.1:1/seatsync"
        })
        expect(result.code).toBe(8)
        expect(result.stderr).toContain("Database problem")
        expect(result.stderr).not.toContain("hunter2")
      }),
    60_000
  )
})

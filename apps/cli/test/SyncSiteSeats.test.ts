import { describe, expect, it } from "@effect/vitest"
import { Fault, Simulator, SiteHandlers } from "@seatsync/atlassian-simulator"
import { Effect } from "effect"
import { connectWithSite, runCli, siteEnv, tempDataDir } from "./support.js"

const encryptionKey = Buffer.alloc(32, 5).toString("base64")

describe("seatsync sync with Jira site credentials", () => {
  it.scoped(
    "reads the Jira seats with the stored credentials; a failing site is a warning, not a failed run",
    () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ users: 20, teamGroups: 2, apiKey: "the-org-key" })
        const dataDir = yield* tempDataDir
        const env = siteEnv(simulator, { dataDir, encryptionKey })
        const connected = yield* connectWithSite("acme", simulator, env)
        expect(connected.code).toBe(0)
        const rolesCalls = Effect.map(simulator.requestCounts, (counts) => counts.getApplicationRoles ?? 0)
        const before = yield* rolesCalls

        // The token is not in the sync's environment: it comes from the database, decrypted.
        const { JIRA_TOKEN: _token, ...syncEnv } = env
        const synced = yield* runCli(["sync", "acme", "--json"], syncEnv)
        expect(synced.code).toBe(0)
        expect(yield* rolesCalls).toBe(before + 1)
        expect(synced.stderr).not.toContain("Could not read Jira seats")
        expect(synced.stdout + synced.stderr).not.toContain(SiteHandlers.defaultSiteCredentials.apiToken)

        yield* simulator.setFaults([Fault.status("getApplicationRoles", 503)])
        const degraded = yield* runCli(["sync", "acme", "--json"], syncEnv)
        expect(degraded.code).toBe(0)
        expect(degraded.stderr).toContain("Could not read Jira seats")
        expect(degraded.stderr).toContain("AtlassianUnavailable")
      }),
    240_000
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Fault, Simulator, SiteHandlers } from "@seatsync/atlassian-simulator"
import { Effect } from "effect"
import { pauseConnection } from "./StoreAccess.js"
import { connectWithSite, runCli, siteEnv, tempDataDir } from "./support.js"

const encryptionKey = Buffer.alloc(32, 5).toString("base64")

/** The check lines of a text report: `  ✓ name   detail`. */
const checkLines = (stdout: string) => stdout.split("\n").filter((line) => /^ {2}[✓!✗-] /.test(line))
const lineOf = (stdout: string, name: string) =>
  checkLines(stdout).find((line) => line.slice(4).startsWith(`${name} `)) ?? `(no ${name} line)`

interface JsonReport {
  readonly ok: boolean
  readonly sections: ReadonlyArray<{
    readonly title: string
    readonly checks: ReadonlyArray<{ readonly name: string; readonly status: string; readonly fix?: string }>
  }>
}

describe("seatsync doctor", () => {
  it.scoped(
    "passes a healthy organisation, and names the check and its fix for a revoked key, a scoped key and a pause",
    () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ users: 10, teamGroups: 2, apiKey: "the-org-key" })
        const dataDir = yield* tempDataDir
        const env = siteEnv(
          simulator,
          { dataDir, encryptionKey },
          // The simulator is local: Atlassian's pacing (3 calls/s) would only make the sync slow.
          { SEATSYNC_REQUESTS_PER_SECOND: "200", SEATSYNC_REQUEST_BURST: "200" }
        )
        // A healthy connection records when its key expires (Atlassian shows it when the key is created).
        const keyExpires = new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10)
        const connected = yield* connectWithSite("acme", simulator, env, [
          "--guard",
          "enabled",
          "--key-expires",
          keyExpires
        ])
        expect(connected.stderr).not.toContain("seatsync:")
        expect(connected.code).toBe(0)
        expect((yield* runCli(["sync", "acme"], env)).code).toBe(0)

        // A healthy organisation: every line ✓, exit 0.
        const healthy = yield* runCli(["doctor", "acme"], env)
        expect(healthy.code).toBe(0)
        const lines = checkLines(healthy.stdout)
        // 13 checks, then the key's expiry, the last run's reconciliation with the organisation's counts and
        // the next sync's estimate.
        expect(lines.length).toBe(16)
        expect(lines.filter((line) => !line.startsWith("  ✓ "))).toEqual([])
        expect(healthy.stdout).toContain("No check failed")
        expect(lineOf(healthy.stdout, "Guard")).toContain("as configured")
        expect(lineOf(healthy.stdout, "Jira credentials")).toContain("site-admin@simulator.example works")
        // Role holders from the sync above; its calls shown beside the estimate.
        expect(lineOf(healthy.stdout, "sync estimate")).toMatch(
          /~\d+ API calls for \d+ users, \d+ groups, \d+ products, at least \d+ s at 200 calls\/s \(role holders from the last run; the last full run made \d+\)/
        )
        expect(healthy.stdout).not.toContain("the-org-key")
        expect(healthy.stdout).not.toContain(SiteHandlers.defaultSiteCredentials.apiToken)

        const asJson = yield* runCli(["doctor", "--json"], env)
        expect(asJson.code).toBe(0)
        const report = JSON.parse(asJson.stdout) as JsonReport
        expect(report.ok).toBe(true)
        expect(report.sections.map((section) => section.title)).toEqual([
          "database",
          `connection acme (org ${simulator.orgId})`
        ])
        expect(
          report.sections.flatMap((section) => section.checks).every((check) => check.status === "pass")
        ).toBe(true)

        // A scoped key lacking rights: 403 on some endpoints the sync reads.
        yield* simulator.setFaults([
          Fault.status("queryWorkspacesV2", 403),
          Fault.status("getUserLastActiveDates", 403)
        ])
        const scoped = yield* runCli(["doctor", "acme"], env)
        expect(scoped.code).toBe(11)
        const rights = lineOf(scoped.stdout, "key rights")
        expect(rights).toMatch(/^ {2}✗ /)
        expect(rights).toContain("403 on workspaces, last-active-dates")
        expect(rights).toContain("read:workspaces:admin")
        expect(scoped.stdout).toContain("fix: Create an API key without scopes")
        expect(lineOf(scoped.stdout, "key valid")).toMatch(/^ {2}✓ /)
        expect(scoped.stdout).toContain("1 check failed")

        // A revoked key: key valid ✗ with the fix; what depends on it is not checked.
        yield* simulator.setFaults([Fault.revokeKey()])
        const revoked = yield* runCli(["doctor", "acme", "--json"], env)
        expect(revoked.code).toBe(11)
        const revokedChecks = (JSON.parse(revoked.stdout) as JsonReport).sections[1]?.checks ?? []
        const keyValid = revokedChecks.find((check) => check.name === "key valid")
        expect(keyValid?.status).toBe("fail")
        expect(keyValid?.fix).toContain("Atlassian Administration → Settings → API keys")
        expect(keyValid?.fix).toContain("seatsync connect acme --update --api-key-stdin")
        expect(revokedChecks.find((check) => check.name === "key rights")?.status).toBe("skip")
        // The site and its Jira credentials do not use the org key: still checked, still fine.
        expect(revokedChecks.find((check) => check.name === "Jira credentials")?.status).toBe("pass")
        expect(revoked.stdout).not.toContain("the-org-key")
        yield* simulator.setFaults([])

        // Paused by the worker after repeated failures: ✗ with the --resume fix, until resumed.
        yield* pauseConnection(dataDir, "acme", {
          reason: "Atlassian answered 503 on POST /v2/orgs/{orgId}/workspaces",
          failures: 3,
          pauseAfter: 3
        })
        const paused = yield* runCli(["doctor", "acme"], env)
        expect(paused.code).toBe(11)
        const schedule = lineOf(paused.stdout, "schedule")
        expect(schedule).toMatch(
          /^ {2}✗ schedule\s+PAUSED since .* after 3 failed runs: Atlassian answered 503/
        )
        expect(paused.stdout).toContain("fix: Fix the cause, then `seatsync connect acme --resume`")

        expect((yield* runCli(["connect", "acme", "--resume"], env)).code).toBe(0)
        expect((yield* runCli(["doctor", "acme"], env)).code).toBe(0)

        // Exit codes: an unknown connection is a usage error, not a failed check.
        const unknown = yield* runCli(["doctor", "nope"], env)
        expect(unknown.code).toBe(2)
        expect(unknown.stderr).toContain("there is no connection called nope")
      }),
    240_000
  )

  it.scoped(
    "doctors the demo against the built-in simulator without a registered connection",
    () =>
      Effect.gen(function* () {
        const env = { SEATSYNC_DATA_DIR: yield* tempDataDir }
        const demo = yield* runCli(["doctor", "--demo"], env)
        expect(demo.code).toBe(0)
        expect(lineOf(demo.stdout, "key rights")).toMatch(/^ {2}✓ /)
        expect(lineOf(demo.stdout, "site → cloudId")).toMatch(/^ {2}✓ .* matching 3 products/)
        expect(lineOf(demo.stdout, "last run")).toContain("never synced")
        expect(demo.stdout).toContain("fix: `seatsync sync --demo`")
        expect(checkLines(demo.stdout).some((line) => line.startsWith("  ✗ "))).toBe(false)

        // An unreachable database is a failed check with its fix, its password never shown.
        const deadDatabase = yield* runCli(["doctor"], {
          DATABASE_URL: "postgres://seatsync:hunter2@127.0.0.1:1/seatsync"
        })
        expect(deadDatabase.code).toBe(11)
        expect(lineOf(deadDatabase.stdout, "database")).toMatch(
          /^ {2}✗ database\s+PostgreSQL at 127\.0\.0\.1:1/
        )
        expect(deadDatabase.stdout).toContain("fix: Check DATABASE_URL")
        expect(deadDatabase.stdout + deadDatabase.stderr).not.toContain("hunter2")
      }),
    120_000
  )
})

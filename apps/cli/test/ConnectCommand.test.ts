import { describe, expect, it } from "@effect/vitest"
import { Simulator, SiteHandlers } from "@seatsync/atlassian-simulator"
import { Effect } from "effect"
import { pauseConnection } from "./StoreAccess.js"
import { errorSentences, runCli, siteEnv, tempDataDir } from "./support.js"

const encryptionKey = Buffer.alloc(32, 3).toString("base64")

describe("seatsync connect and connections", () => {
  it.scoped(
    "validates before saving, stores the key encrypted, and syncs the connection by name",
    () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ users: 25, apiKey: "the-org-key" })
        const base = {
          SEATSYNC_DATA_DIR: yield* tempDataDir,
          ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl
        }
        const env = { ...base, SEATSYNC_ENCRYPTION_KEY: encryptionKey }
        const connect = (args: ReadonlyArray<string>, key: string, extra: Record<string, string> = env) =>
          runCli(["connect", ...args, "--api-key-stdin"], extra, `${key}\n`)

        const noEncryptionKey = yield* connect(["acme", "--org-id", simulator.orgId], "the-org-key", base)
        expect(noEncryptionKey.code).toBe(2)
        expect(noEncryptionKey.stderr).toContain("openssl rand -base64 32")

        const badKey = yield* connect(["acme", "--org-id", simulator.orgId], "not-the-key")
        expect(badKey.code).toBe(3)
        expect(badKey.stderr).not.toContain("not-the-key")

        const badSite = yield* connect(
          ["acme", "--org-id", simulator.orgId, "--site", "https://acme.atlassian.net.evil.com"],
          "the-org-key"
        )
        expect(badSite.code).toBe(2)
        expect(badSite.stderr).toContain("is not an Atlassian Cloud site")

        const badSchedule = yield* connect(
          ["acme", "--org-id", simulator.orgId, "--schedule", "every night"],
          "the-org-key"
        )
        expect(badSchedule.code).toBe(2)

        // Nothing was saved by any of the failures above.
        expect((yield* runCli(["connections", "list"], env)).stdout).toContain("No connections yet")

        const good = yield* connect(
          ["acme", "--org-id", simulator.orgId, "--guard", "enabled"],
          "the-org-key"
        )
        expect(good.code).toBe(0)
        expect(good.stdout).toContain("✓ connected acme")
        expect(good.stdout).not.toContain("the-org-key")

        const shown = yield* runCli(["connections", "show", "acme"], env)
        expect(shown.stdout).toContain("stored encrypted")
        expect(shown.stdout).toContain("enabled")

        const sync = yield* runCli(["sync", "acme"], env)
        expect(sync.code).toBe(0)
        expect(sync.stdout).toMatch(/ users\s+25\s+25\s/)

        const wrongEncryptionKey = yield* runCli(["sync", "acme"], {
          ...env,
          SEATSYNC_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64")
        })
        expect(wrongEncryptionKey.code).toBe(2)
        expect(wrongEncryptionKey.stderr).toContain("cannot be decrypted")

        const again = yield* connect(["acme", "--org-id", simulator.orgId], "the-org-key")
        expect(again.code).toBe(2)
        expect(again.stderr).toContain("--update")

        const updated = yield* runCli(
          ["connect", "acme", "--update", "--schedule", "0 4 * * 1-5", "--timezone", "Europe/Berlin"],
          env
        )
        expect(updated.code).toBe(0)
        expect(updated.stdout).toContain("0 4 * * 1-5 (Europe/Berlin)")

        expect((yield* runCli(["connections", "remove", "acme"], env)).code).toBe(0)
        expect((yield* runCli(["sync", "acme"], env)).code).toBe(2)
      }),
    180_000
  )
  it.scoped(
    "checks Jira site credentials before storing them, never echoes the token, and resumes a paused connection",
    () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ users: 10, teamGroups: 2, apiKey: "the-org-key" })
        const dataDir = yield* tempDataDir
        const { email, apiToken } = SiteHandlers.defaultSiteCredentials
        const env = siteEnv(
          simulator,
          { dataDir, encryptionKey },
          { GOOD_JIRA_TOKEN: apiToken, BAD_JIRA_TOKEN: "not-the-jira-token" }
        )
        const connect = (args: ReadonlyArray<string>) =>
          runCli(
            ["connect", "acme", "--org-id", simulator.orgId, ...args, "--api-key-stdin"],
            env,
            "the-org-key\n"
          )
        const site = ["--site", simulator.baseUrl]

        const onlyEmail = yield* connect([...site, "--jira-email", email])
        expect(onlyEmail.code).toBe(2)
        expect(onlyEmail.stderr).toContain("give both --jira-email EMAIL and --jira-token-env VAR")
        const onlyToken = yield* connect([...site, "--jira-token-env", "GOOD_JIRA_TOKEN"])
        expect(onlyToken.code).toBe(2)
        const noSite = yield* connect(["--jira-email", email, "--jira-token-env", "GOOD_JIRA_TOKEN"])
        expect(noSite.code).toBe(2)
        expect(noSite.stderr).toContain("add --site")
        const unsetVariable = yield* connect([
          ...site,
          "--jira-email",
          email,
          "--jira-token-env",
          "NO_SUCH_VAR"
        ])
        expect(unsetVariable.code).toBe(2)
        expect(unsetVariable.stderr).toContain("set the environment variable NO_SUCH_VAR")

        const badToken = yield* connect([
          ...site,
          "--jira-email",
          email,
          "--jira-token-env",
          "BAD_JIRA_TOKEN"
        ])
        expect(badToken.code).toBe(3)
        expect(badToken.stderr).toContain(`rejected the email ${email} and its API token (401)`)
        expect(badToken.stderr).not.toContain("not-the-jira-token")
        expect((yield* runCli(["connections", "list"], env)).stdout).toContain("No connections yet")

        const good = yield* connect([...site, "--jira-email", email, "--jira-token-env", "GOOD_JIRA_TOKEN"])
        expect(good.code).toBe(0)
        expect(good.stdout).toContain(
          `Jira      ${email} verified (2 Jira products on the site), token stored encrypted`
        )
        expect(good.stdout + good.stderr).not.toContain(apiToken)

        const shown = yield* runCli(["connections", "show", "acme"], env)
        expect(shown.stdout).toMatch(new RegExp(`Jira credentials\\s+${email}, token set`))
        expect(shown.stdout).toMatch(/state\s+scheduled/)
        expect(shown.stdout).not.toContain(apiToken)

        // --update keeps the stored Jira credentials (and the key) when it changes something else.
        const updated = yield* runCli(["connect", "acme", "--update", "--schedule", "0 5 * * *"], env)
        expect(updated.code).toBe(0)
        expect(updated.stdout).toContain("(stored, unchanged)")

        // Paused by the worker: list and show say so, with the reason and the streak; --resume clears it.
        yield* pauseConnection(dataDir, "acme", {
          reason: "The Atlassian API key was rejected (401)",
          failures: 3,
          pauseAfter: 3
        })
        const pausedShow = yield* runCli(["connections", "show", "acme"], env)
        expect(pausedShow.stdout).toMatch(/state\s+PAUSED since /)
        expect(pausedShow.stdout).toMatch(/paused because\s+The Atlassian API key was rejected \(401\)/)
        expect(pausedShow.stdout).toMatch(/failures in a row\s+3/)
        expect((yield* runCli(["connections", "list"], env)).stdout).toContain("PAUSED since")

        expect((yield* runCli(["connect", "acme", "--resume", "--guard", "enabled"], env)).code).toBe(2)
        const resumed = yield* runCli(["connect", "acme", "--resume"], env)
        expect(resumed.code).toBe(0)
        expect(resumed.stdout).toContain("✓ resumed acme: cleared the pause of ")
        expect(resumed.stdout).toContain("reason    The Atlassian API key was rejected (401)")
        const after = yield* runCli(["connections", "show", "acme"], env)
        expect(after.stdout).toMatch(/state\s+scheduled/)
        expect(after.stdout).toMatch(/failures in a row\s+0/)

        // A change made with --update resumes a paused connection too.
        yield* pauseConnection(dataDir, "acme", { reason: "three failures", failures: 1, pauseAfter: 1 })
        const changed = yield* runCli(["connect", "acme", "--update", "--inactive-after-days", "60"], env)
        expect(changed.code).toBe(0)
        expect(changed.stdout).toContain("resumed   the change cleared the pause (three failures)")

        // --forget-jira removes the stored Jira credentials; never together with new ones, nor on a new name.
        const both = yield* runCli(
          [
            "connect",
            "acme",
            "--update",
            "--forget-jira",
            "--jira-email",
            email,
            "--jira-token-env",
            "GOOD_JIRA_TOKEN"
          ],
          env
        )
        expect(both.code).toBe(2)
        expect(both.stderr).toContain("not both")
        const fresh = yield* runCli(["connect", "other", "--org-id", simulator.orgId, "--forget-jira"], env)
        expect(fresh.code).toBe(2)
        expect(fresh.stderr).toContain("use it with --update on an existing connection")
        const forgotten = yield* runCli(["connect", "acme", "--update", "--forget-jira"], env)
        expect(forgotten.code).toBe(0)
        expect(forgotten.stdout).toContain(`Jira      credentials of ${email} removed`)
        expect((yield* runCli(["connections", "show", "acme"], env)).stdout).toMatch(
          /Jira credentials\s+none/
        )

        const unknown = yield* runCli(["connect", "nope", "--resume"], env)
        expect(unknown.code).toBe(2)
        expect(errorSentences(unknown.stderr)).toEqual([
          "seatsync: there is no connection called nope; see `seatsync connections list`"
        ])
      }),
    240_000
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Effect } from "effect"
import { runCli, tempDataDir } from "./support.js"

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
})

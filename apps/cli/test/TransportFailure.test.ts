/**
 * An Admin API address where nothing listens, and one that answers 503 for a while, as an operator meets
 * them: `sync` fails fast naming the URL, the cause and the fix; `doctor` says the same; every retry is a
 * line of its own; a 503 storm is still waited out.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Fault, Simulator } from "@seatsync/atlassian-simulator"
import { Effect } from "effect"
import { errorSentences, runCli, tempDataDir } from "./support.js"

const encryptionKey = Buffer.alloc(32, 9).toString("base64")

/** A loopback port where nothing listens (bound, then closed). */
const closedPort = Effect.promise(
  () =>
    new Promise<number>((resolve) => {
      const server = Http.createServer()
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        server.close(() => resolve(port))
      })
    })
)

describe("seatsync against an unreachable or failing Admin API", () => {
  it.scoped(
    "sync fails within 30 s naming the URL and 'connection refused'; doctor says check the base URL",
    () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ users: 20 })
        const dataDir = yield* tempDataDir
        const env = {
          SEATSYNC_DATA_DIR: dataDir,
          SEATSYNC_ENCRYPTION_KEY: encryptionKey,
          ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl,
          SEATSYNC_REQUESTS_PER_SECOND: "200",
          SEATSYNC_REQUEST_BURST: "200"
        }
        const connected = yield* runCli(
          ["connect", "acme", "--org-id", simulator.orgId, "--api-key-stdin"],
          env,
          `${simulator.apiKey}\n`
        )
        expect(connected.code).toBe(0)

        const closed = `http://127.0.0.1:${yield* closedPort}/admin`
        const nowhere = { ...env, ATLASSIAN_ADMIN_BASE_URL: closed }
        const started = Date.now()
        const failed = yield* runCli(["sync", "acme"], nowhere)
        expect(Date.now() - started).toBeLessThan(30_000)
        expect(failed.code).toBe(6)
        const [sentence] = errorSentences(failed.stderr)
        expect(sentence).toContain(`${closed}/v1/orgs/${simulator.orgId}`)
        expect(sentence).toContain("connection refused")
        expect(sentence).toContain("after 2 attempts")
        expect(sentence).toContain("check ATLASSIAN_ADMIN_BASE_URL")
        // The one retry was a line of its own, not silence.
        expect(failed.stdout).toContain(
          `  ↻ GET /v1/orgs/{orgId} could not connect (connection refused) at ${closed}/v1/orgs/${simulator.orgId} · attempt 1 of 2 · next try in `
        )
        expect(`${failed.stdout}${failed.stderr}`).not.toContain(simulator.apiKey)

        const doctor = yield* runCli(["doctor", "acme"], nowhere)
        expect(doctor.code).toBe(11)
        expect(doctor.stdout).toContain("connection refused")
        expect(doctor.stdout).toContain("check ATLASSIAN_ADMIN_BASE_URL")
        expect(doctor.stdout).not.toMatch(/create a new (API )?key/i)
      }),
    { timeout: 120_000 }
  )

  it.scoped(
    "a 503 storm is waited out with every retry shown, and the summary says its waits are summed",
    () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ users: 20 })
        const dataDir = yield* tempDataDir
        const env = {
          SEATSYNC_DATA_DIR: dataDir,
          SEATSYNC_ENCRYPTION_KEY: encryptionKey,
          ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl,
          SEATSYNC_REQUESTS_PER_SECOND: "200",
          SEATSYNC_REQUEST_BURST: "200"
        }
        const connected = yield* runCli(
          ["connect", "acme", "--org-id", simulator.orgId, "--api-key-stdin"],
          env,
          `${simulator.apiKey}\n`
        )
        expect(connected.code).toBe(0)
        yield* simulator.setFaults([Fault.status("getOrgById", 503, { calls: { from: 1, to: 3 } })])
        const synced = yield* runCli(["sync", "acme"], env)
        expect(synced.stderr).not.toContain("seatsync:")
        expect(synced.code).toBe(0)
        const retries = synced.stdout.split("\n").filter((line) => line.startsWith("  ↻ "))
        expect(retries).toHaveLength(3)
        retries.forEach((line, index) => {
          expect(line).toContain(`GET /v1/orgs/{orgId} server error (`)
          expect(line).toContain(`at ${simulator.adminBaseUrl}/v1/orgs/${simulator.orgId}`)
          expect(line).toContain(`attempt ${index + 1} of 13 · next try in `)
        })
        expect(synced.stdout).toMatch(/ s waited \(summed over concurrent requests\)/)
      }),
    { timeout: 120_000 }
  )
})

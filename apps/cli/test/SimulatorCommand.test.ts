import { spawn } from "node:child_process"
import { createServer } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { binary, runCli, tempDataDir } from "./support.js"

const freePort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** `seatsync simulator …` in the background until its ready line; killed with the scope. */
const serve = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.async<{ line: string; kill: () => void }>((resume) => {
      const child = spawn(process.execPath, [binary, "simulator", ...args], {
        stdio: ["ignore", "pipe", "inherit"]
      })
      child.stdout.on("data", (chunk: Buffer) => {
        const line = chunk.toString("utf8").trim()
        if (line.startsWith("seatsync simulator listening"))
          resume(Effect.succeed({ line, kill: () => child.kill("SIGINT") }))
      })
    }),
    ({ kill }) => Effect.sync(kill)
  )

describe("seatsync simulator", () => {
  it.scopedLive(
    "serves the Admin API with injected faults, never echoing a given key, and syncs through them",
    () =>
      Effect.gen(function* () {
        const port = yield* freePort
        const { line } = yield* serve([
          "--users",
          "30",
          "--port",
          String(port),
          "--api-key",
          "given-secret",
          "--faults",
          "searchDirectoryUsers:status=503:calls=1-2"
        ])
        expect(line).toContain(`http://127.0.0.1:${port}`)
        expect(line).toContain("key (given)")
        expect(line).not.toContain("given-secret")
        const orgId = /org ([0-9a-f-]+)/.exec(line)?.[1] ?? ""
        const sync = yield* runCli(["sync", "--org-id", orgId, "--json"], {
          SEATSYNC_DATA_DIR: yield* tempDataDir,
          ATLASSIAN_ADMIN_BASE_URL: `http://127.0.0.1:${port}/admin`,
          ATLASSIAN_API_KEY: "given-secret"
        })
        expect(sync.code).toBe(0)
        const summary = JSON.parse(sync.stdout) as {
          api: { retries: number }
          entities: Record<string, { staged: number }>
        }
        expect(summary.api.retries).toBe(2)
        expect(summary.entities.org_user?.staged).toBe(30)
      }),
    120_000
  )

  it.effect("rejects a malformed --faults spec with the reason and exit code 2", () =>
    Effect.gen(function* () {
      const result = yield* runCli(["simulator", "--faults", "nope:status=500"], {})
      expect(result.code).toBe(2)
      expect(result.stderr).toContain('unknown operation "nope"')
    })
  )
})

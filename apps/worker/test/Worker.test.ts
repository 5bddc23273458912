import { spawn } from "node:child_process"
import { chmod, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Effect } from "effect"

const binary = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/bin.js")

interface LogLine {
  readonly message: unknown
  readonly logLevel: string
  readonly annotations: Record<string, unknown>
}

/**
 * Starts `seatsync-worker`, collects its JSON log lines, optionally sends SIGTERM after the first
 * succeeded sync, and resolves with the exit code and the lines.
 */
const runWorker = (args: ReadonlyArray<string>, env: Record<string, string>, stopAfterFirstSync: boolean) =>
  Effect.async<{ code: number | null; lines: Array<LogLine>; raw: string }>((resume) => {
    const child = spawn(process.execPath, [binary, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let raw = ""
    const lines: Array<LogLine> = []
    child.stdout.on("data", (chunk: Buffer) => {
      raw += chunk.toString("utf8")
      for (const text of chunk.toString("utf8").split("\n")) {
        if (!text.startsWith("{")) continue
        const line = JSON.parse(text) as LogLine
        lines.push(line)
        if (stopAfterFirstSync && line.message === "sync succeeded") child.kill("SIGTERM")
      }
    })
    child.stderr.on("data", (chunk: Buffer) => {
      raw += chunk.toString("utf8")
    })
    child.on("close", (code) => resume(Effect.succeed({ code, lines, raw })))
    return Effect.sync(() => void child.kill("SIGKILL"))
  })

const dataDir = Effect.acquireRelease(
  Effect.promise(async () => {
    const parent = await mkdtemp(path.join(tmpdir(), "seatsync-worker-"))
    await chmod(parent, 0o755)
    return path.join(parent, "postgres")
  }),
  (dir) => Effect.promise(() => rm(path.dirname(dir), { recursive: true, force: true }))
)

describe("seatsync-worker", () => {
  it.scoped(
    "--once syncs the configured organisation, logs JSON without the key, and exits 0",
    () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ users: 30, apiKey: "worker-secret-key" })
        const result = yield* runWorker(
          ["--once"],
          {
            SEATSYNC_DATA_DIR: yield* dataDir,
            SEATSYNC_ORG_ID: simulator.orgId,
            SEATSYNC_CONNECTION_NAME: "acme",
            ATLASSIAN_API_KEY: "worker-secret-key",
            ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl
          },
          false
        )
        expect(result.code).toBe(0)
        const done = result.lines.find((line) => line.message === "sync succeeded")
        expect(done?.annotations).toMatchObject({ connection: "acme", users: 30, inserted: 30 })
        expect(result.raw).not.toContain("worker-secret-key")
      }),
    90_000
  )

  it.scoped(
    "keeps running on its interval and exits 0 on SIGTERM",
    () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ users: 10 })
        const result = yield* runWorker(
          [],
          {
            SEATSYNC_DATA_DIR: yield* dataDir,
            SEATSYNC_ORG_ID: simulator.orgId,
            ATLASSIAN_API_KEY: simulator.apiKey,
            ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl,
            SEATSYNC_SYNC_EVERY: "1 hour"
          },
          true
        )
        expect(result.code).toBe(0)
        expect(result.lines.map((line) => line.message)).toContain("seatsync-worker started")
      }),
    90_000
  )

  it.scoped(
    "--once exits non-zero and says which variable is missing",
    () =>
      Effect.gen(function* () {
        const result = yield* runWorker(["--once"], { SEATSYNC_DATA_DIR: yield* dataDir }, false)
        expect(result.code).toBe(1)
        expect(result.raw).toContain("SEATSYNC_ORG_ID")
      }),
    60_000
  )
})

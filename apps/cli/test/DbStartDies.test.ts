/**
 * `seatsync db start` notices when its PostgreSQL dies under it (killed, crashed): it exits 8 with one
 * sentence saying how, instead of staying up holding a dead cluster; the next start recovers the cluster.
 */
import { spawn } from "node:child_process"
import { readFile } from "node:fs/promises"
import path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { binary, errorSentences, runCli, tempDataDir } from "./support.js"

/** `seatsync db start` once it says it runs; its exit code and stderr when it ends; killed with the scope. */
const startDatabase = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.async<{
      readonly kill: () => void
      readonly exited: Effect.Effect<{ readonly code: number | null; readonly stderr: string }>
    }>((resume) => {
      const child = spawn(process.execPath, [binary, "db", "start"], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stderr = ""
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8")
      })
      const exited = new Promise<{ code: number | null; stderr: string }>((done) =>
        child.on("close", (code) => done({ code, stderr }))
      )
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString("utf8").includes("Embedded PostgreSQL running")) {
          resume(Effect.succeed({ kill: () => child.kill("SIGKILL"), exited: Effect.promise(() => exited) }))
        }
      })
    }),
    ({ kill }) => Effect.sync(kill)
  )

describe("seatsync db start when PostgreSQL dies", () => {
  it.scopedLive(
    "PostgreSQL killed: db start exits 8 saying it was stopped by SIGKILL; the next start recovers",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* tempDataDir
        const env = { SEATSYNC_DATA_DIR: dataDir }
        const database = yield* startDatabase(env)
        const pidFile = yield* Effect.promise(() => readFile(path.join(dataDir, "postmaster.pid"), "utf8"))
        const postmaster = Number.parseInt(pidFile.split("\n")[0] ?? "", 10)
        expect(postmaster).toBeGreaterThan(0)
        // The postmaster and its backends: a persistent cluster runs in its own process group.
        process.kill(-postmaster, "SIGKILL")

        const ended = yield* database.exited
        expect(ended.code).toBe(8)
        const sentences = errorSentences(ended.stderr)
        expect(sentences).toHaveLength(1)
        expect(sentences[0]).toMatch(
          new RegExp(
            `^seatsync: Database problem: Database unavailable \\(embedded PostgreSQL in .*\\): PostgreSQL \\(pid ${postmaster}\\) was stopped by SIGKILL`
          )
        )
        expect(ended.stderr).not.toContain("Unexpected failure")

        // Nothing holds it now; it starts again (PostgreSQL recovers from the crash) and stops cleanly.
        expect((yield* runCli(["db", "status"], env)).stdout).not.toContain("running")
        const again = yield* startDatabase(env)
        expect((yield* runCli(["db", "stop"], env)).stdout).toContain("Asked seatsync process")
        expect((yield* again.exited).code).toBe(130)
      }),
    180_000
  )
})

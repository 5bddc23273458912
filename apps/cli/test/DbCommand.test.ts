import { spawn } from "node:child_process"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Database } from "@seatsync/store"
import { Effect, Redacted } from "effect"
import { binary, runCli, tempDataDir } from "./support.js"

/**
 * `seatsync db start` in the background until it says it runs; killed with the scope if still alive.
 * `exited` waits for the process to end and gives its exit code.
 */
const startDatabase = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.async<{ kill: () => void; exited: Effect.Effect<number | null> }>((resume) => {
      const child = spawn(process.execPath, [binary, "db", "start"], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
        stdio: ["ignore", "pipe", "inherit"]
      })
      const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)))
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString("utf8").includes("Embedded PostgreSQL running")) {
          resume(
            Effect.succeed({
              kill: () => child.kill("SIGKILL"),
              exited: Effect.promise(() => exited)
            })
          )
        }
      })
    }),
    ({ kill }) => Effect.sync(kill)
  )

describe("seatsync db and migrate", () => {
  it.scopedLive(
    "start keeps the embedded PostgreSQL up for psql and other commands; stop ends it",
    () =>
      Effect.gen(function* () {
        const env = { SEATSYNC_DATA_DIR: yield* tempDataDir }
        expect((yield* runCli(["db", "status"], env)).stdout).toContain("not created yet")
        const database = yield* startDatabase(env)
        expect((yield* runCli(["db", "status"], env)).stdout).toMatch(
          /running on 127\.0\.0\.1:\d+, held by seatsync process \d+/
        )
        const url = (yield* runCli(["db", "url"], env)).stdout.trim()
        expect(url).toMatch(/^postgres(ql)?:\/\//)
        // Another command joins the running cluster instead of failing.
        const sync = yield* runCli(["sync", "--demo", "--users", "12"], env)
        expect(sync.code).toBe(0)
        const live = yield* Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const rows = yield* sql<{
            n: number
          }>`SELECT count(*)::int AS n FROM seatsync.org_user WHERE deleted_at IS NULL`
          return rows[0]?.n
        }).pipe(Effect.provide(Database.layerUrl(Redacted.make(url))))
        expect(live).toBe(12)
        expect((yield* runCli(["migrate"], env)).stdout).toContain("1_initial")
        expect((yield* runCli(["db", "stop"], env)).stdout).toContain("Asked seatsync process")
        // `db stop` sends SIGTERM: the `db start` process shuts the cluster down and exits 130 (interrupted, as
        // the README's exit codes say), however long that takes on a busy machine.
        expect(yield* database.exited).toBe(130)
        expect((yield* runCli(["db", "status"], env)).stdout).toContain("stopped")
        const noUrl = yield* runCli(["db", "url"], env)
        expect(noUrl.code).toBe(8)
        expect(noUrl.stderr).toContain(
          "it is not running. Start it with `seatsync db start` (it runs in the foreground: use another terminal) and try again"
        )
        expect(noUrl.stderr).not.toContain("worker")
      }),
    120_000
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Checkpoints, Connections, Database, SyncRuns } from "@seatsync/store"
import { Effect, Option, Schedule } from "effect"
import * as TestServices from "effect/TestServices"
import { interruptedSentence } from "../src/ExitCode.js"
import { errorSentences, runCli, spawnCli, tempDataDir } from "./support.js"

/**
 * Runs `seatsync …args` and sends it SIGINT — the way an operator presses Ctrl-C — as soon as `ready`
 * (checked every 20 ms) holds.
 */
const runCliInterruptedWhen = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  ready: Effect.Effect<boolean>
) =>
  Effect.gen(function* () {
    const child = spawnCli(args, env)
    yield* ready.pipe(Effect.repeat({ until: (isReady) => isReady, schedule: Schedule.spaced("20 millis") }))
    child.signal("SIGINT")
    return yield* child.closed
  })

describe("seatsync backfill last-active", () => {
  it.scoped(
    "stops cleanly on Ctrl-C after a merged chunk (exit 130, run interrupted) and --resume continues from the checkpoint",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* tempDataDir
        // 1500 users leave several hundred without activity after a sync: more than two chunks of 200.
        const simulator = yield* Simulator.start({ seed: 5, users: 1500, apiKey: "backfill-key" })
        const env = {
          SEATSYNC_DATA_DIR: dataDir,
          ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl,
          ATLASSIAN_API_KEY: "backfill-key",
          SEATSYNC_REQUESTS_PER_SECOND: "1000",
          SEATSYNC_REQUEST_BURST: "1000",
          // 40 calls a second: a chunk of 200 takes 5 s, so the second chunk is surely in flight at Ctrl-C.
          SEATSYNC_LAST_ACTIVE_PER_MINUTE: "2400"
        }
        const synced = yield* runCli(["sync", "--org-id", simulator.orgId, "--name", "acme"], env)
        expect(synced.code).toBe(0)

        // Ctrl-C while the second chunk is being asked about: after the first chunk's 200 calls and 20 more.
        const lastActiveCalls = Effect.map(simulator.requestCounts, (counts) =>
          Object.entries(counts)
            .filter(([operation]) => operation.toLowerCase().includes("lastactive"))
            .reduce((sum, [, n]) => sum + n, 0)
        )
        const interrupted = yield* runCliInterruptedWhen(
          ["backfill", "last-active", "acme", "--budget", "300"],
          env,
          Effect.map(lastActiveCalls, (calls) => calls >= 220)
        )
        expect(interrupted.code).toBe(130)
        // Not a terminal: one plain line per merged chunk.
        expect(interrupted.stdout).toMatch(/\[█{20}░{10}\] 200 users merged, 100 calls left, ETA ≤ \d+ s/)
        expect(interrupted.stdout).not.toContain("✓ asked about")
        // One line says it was interrupted and changed nothing; no error sentence.
        expect(errorSentences(interrupted.stderr)).toEqual([interruptedSentence])

        const afterInterrupt = yield* ledger(dataDir)
        // The sync, the merged chunk of 200, and the chunk Ctrl-C stopped, recorded as interrupted.
        expect(afterInterrupt.runs.map((run) => run.status)).toEqual([
          "interrupted",
          "succeeded",
          "succeeded"
        ])
        expect(afterInterrupt.runs[1]?.entityCounts["backfill.users"]).toBe(200)
        expect(afterInterrupt.checkpoint).toEqual(Option.some(JSON.stringify({ remaining: 100 })))

        // --resume: the 100 calls left of the budget, not a fresh 5000 (the default) nor the first 300 again.
        const resumed = yield* runCli(["backfill", "last-active", "acme", "--resume"], env)
        expect(resumed.code).toBe(0)
        expect(resumed.stdout).toContain("✓ asked about 100 users (resumed)")
        expect(resumed.stdout).toMatch(/\[█{30}\] 100 users merged, 0 calls left, done/)
        const afterResume = yield* ledger(dataDir)
        expect(afterResume.runs.map((run) => run.status)).toEqual([
          "succeeded",
          "interrupted",
          "succeeded",
          "succeeded"
        ])
        expect(afterResume.runs[0]?.entityCounts["backfill.users"]).toBe(100)
      }).pipe(TestServices.provideLive),
    180_000
  )
})

/** The connection's runs (newest first) and the backfill's checkpoint, read from the persistent cluster. */
const ledger = (dataDir: string) =>
  Effect.gen(function* () {
    const connection = Option.getOrThrow(yield* Connections.findByName("acme"))
    return {
      runs: yield* SyncRuns.listRecent(connection.id, 10),
      checkpoint: yield* Checkpoints.load(connection.id, "backfill:last-active")
    }
  }).pipe(Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir })))

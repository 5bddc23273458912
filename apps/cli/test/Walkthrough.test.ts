/**
 * The README's walk-through against the simulator (connect → doctor → sync → backfill → reports) is run
 * verbatim: its lines are read out of README.md, between the walkthrough markers, and run by bash from the
 * repository root as a newcomer would paste them, so that the README cannot drift from what works.
 */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { tempDataDir } from "./support.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")

/** The shell lines of the README's walk-through block. */
export const walkthrough = (readme: string): string => {
  const block = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme)
  if (block?.[1] === undefined) throw new Error("README.md has no walkthrough block")
  return block[1]
}

/** Runs `script` with bash (stopping at the first failing line) in the repository root. */
const runBash = (script: string, env: Readonly<Record<string, string>>) =>
  Effect.async<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>(
    (resume) => {
      // A newcomer's shell: PATH and HOME, none of the caller's seatsync or Atlassian variables.
      const child = spawn("bash", ["-e", "-c", script], {
        cwd: root,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8")
      })
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8")
      })
      child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
      return Effect.sync(() => child.kill("SIGKILL"))
    }
  )

describe("the README's walk-through against the simulator", () => {
  it.scopedLive(
    "runs line by line as written: connect, doctor, sync, backfill and every report succeed",
    () =>
      Effect.gen(function* () {
        const script = walkthrough(readFileSync(path.join(root, "README.md"), "utf8"))
        expect(script).toContain("npx seatsync connect sim")
        const result = yield* runBash(script, { SEATSYNC_DATA_DIR: yield* tempDataDir })
        expect(result.code, result.stderr).toBe(0)
        expect(result.stdout).toContain("seatsync simulator listening on http://127.0.0.1:4010/admin")
        expect(result.stdout).toContain("✓ connected sim: Bright Labs")
        expect(result.stdout).toContain("  expires   2099-12-31 (doctor warns 30 days ahead)")
        expect(result.stdout).toMatch(/✓ site → cloudId +http:\/\/127\.0\.0\.1:4010 → /)
        expect(result.stdout).toContain("No check failed")
        expect(result.stdout).toMatch(/✓ run #1 succeeded/)
        expect(result.stdout).toContain("✓ asked about 20 users (budget 20)")
        // The simulator is dated today, like the demo: the seat report's 30-day activity is not empty.
        expect(result.stdout).toMatch(/Seats as of \d{4}-\d{2}-\d{2}/)
        const jiraSeats = result.stdout
          .split("\n")
          .find((line) => line.startsWith("jira-software (bright-labs) "))
        const [, , , , , active30] = jiraSeats?.trim().split(/\s+/) ?? []
        expect(Number(active30)).toBeGreaterThan(0)
        expect(result.stdout).toContain("connection,account_id,name,email")
        expect(result.stdout).toContain("Connections")
      }),
    600_000
  )
})

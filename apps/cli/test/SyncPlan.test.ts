/**
 * `seatsync sync --plan`: the calls a full sync would make, printed without syncing. Against the demo
 * organisation the plan's total is exactly what the sync that follows reports; the plan itself records no
 * run; `--json` is one document; a plan needs a target, plans one at a time, and takes neither `--only`
 * nor `--force`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { runCli, tempDataDir } from "./support.js"

interface PlanDocument {
  readonly name: string
  readonly plan: {
    readonly totalCalls: number
    readonly exact: boolean
    readonly listings: ReadonlyArray<{ readonly name: string; readonly calls: number }>
  }
  readonly previous: { readonly apiCalls: number } | null
}

describe("seatsync sync --plan", () => {
  it.scoped(
    "predicts the demo sync's calls exactly, without recording a run",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* tempDataDir
        const env = { SEATSYNC_DATA_DIR: dataDir }
        const text = yield* runCli(["sync", "--demo", "--users", "230", "--plan"], env)
        expect(text.stderr).not.toContain("seatsync:")
        expect(text.code).toBe(0)
        expect(text.stdout).toMatch(/^Plan of a full sync of demo \(org [\w-]+\): \d+ API calls, unpaced/)
        // 230 users: pages of 100, the last one short.
        expect(text.stdout).toMatch(/ {2}users search +1 +3\n/)
        expect(text.stdout).toContain("Nothing was synced or written.")

        const planned = yield* runCli(["sync", "--demo", "--users", "230", "--plan", "--json"], env)
        expect(planned.code).toBe(0)
        expect(planned.stdout.trim().split("\n")).toHaveLength(1)
        const plan = JSON.parse(planned.stdout) as PlanDocument
        expect(plan.plan.exact).toBe(true)
        expect(plan.previous).toBeNull()

        const synced = yield* runCli(["sync", "--demo", "--users", "230", "--json"], env)
        expect(synced.code).toBe(0)
        const summary = JSON.parse(synced.stdout) as {
          runId: number
          api: { apiCalls: number; retries: number }
        }
        // The plans recorded nothing: the sync is the connection's first run.
        expect(summary.runId).toBe(1)
        expect(summary.api.retries).toBe(0)
        expect(plan.plan.totalCalls).toBe(summary.api.apiCalls)

        // Planned again, the last run's calls stand beside the plan.
        const again = JSON.parse(
          (yield* runCli(["sync", "--demo", "--users", "230", "--plan", "--json"], env)).stdout
        ) as PlanDocument
        expect(again.previous?.apiCalls).toBe(summary.api.apiCalls)
      }),
    { timeout: 180_000 }
  )

  it.scoped(
    "is a usage error without a target, with --all, with --only and with --force",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* tempDataDir
        const env = { SEATSYNC_DATA_DIR: dataDir }
        const alone = yield* runCli(["sync", "--plan"], env)
        expect(alone.code).toBe(2)
        expect(alone.stderr).toContain("--plan")
        const all = yield* runCli(["sync", "--all", "--plan"], env)
        expect(all.code).toBe(2)
        expect(all.stderr).toContain("plan one connection at a time")
        // A plan is of a full sync and writes nothing: --only and --force are refused, not ignored.
        const only = yield* runCli(["sync", "--demo", "--plan", "--only", "users"], env)
        expect(only.code).toBe(2)
        expect(only.stdout).toBe("")
        expect(only.stderr).toContain("--only")
        const force = yield* runCli(["sync", "--demo", "--plan", "--force"], env)
        expect(force.code).toBe(2)
        expect(force.stdout).toBe("")
        expect(force.stderr).toContain("--force")
      }),
    { timeout: 120_000 }
  )
})

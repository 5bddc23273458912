import { describe, expect, it } from "@effect/vitest"
import type { ConnectionId, RunId } from "@seatsync/store"
import type { SyncSummary } from "@seatsync/sync"
import { type ConnectionOutcome, exitCodeOfAll, outcomeJson, outcomeLine } from "../src/sync/SyncOutcome.js"

const counts = { staged: 0, inserted: 0, updated: 0, restored: 0, deleted: 0, unchanged: 0 }
const summary: SyncSummary = {
  runId: 12 as RunId,
  connectionId: 1 as ConnectionId,
  orgId: "org-1",
  orgName: "Acme",
  startedAt: new Date("2026-01-01T00:00:00Z"),
  finishedAt: new Date("2026-01-01T00:00:02.5Z"),
  entities: {
    product: counts,
    org_user: counts,
    org_group: counts,
    group_membership: counts,
    product_role: counts,
    product_activity: counts
  },
  quarantined: 0,
  reconciliation: { entities: {}, directories: [], kept: [] },
  ledgerRows: 0,
  api: { apiCalls: 3, retries: 0, rateLimited: 0, sleptMillis: 0 }
}
const succeeded: ConnectionOutcome = { _tag: "Succeeded", connection: "acme", summary }
const failed = (connection: string, exitCode: number): ConnectionOutcome => ({
  _tag: "Failed",
  connection,
  error: { tag: "LockHeld", message: "another run holds the lock" },
  sentence: "another run holds the lock. Wait for that run to finish.",
  exitCode
})
const skipped: ConnectionOutcome = {
  _tag: "Skipped",
  connection: "cold",
  pausedAt: new Date("2026-01-02T03:04:05Z"),
  reason: "the key was rejected"
}

describe("sync --all outcomes", () => {
  it("exits 0 when nothing failed, skipped connections included, else with the first failure's code", () => {
    expect(exitCodeOfAll([])).toBe(0)
    expect(exitCodeOfAll([succeeded, skipped])).toBe(0)
    expect(exitCodeOfAll([succeeded, failed("b", 10), skipped, failed("c", 3)])).toBe(10)
  })

  it("says one line per connection, names aligned", () => {
    expect([succeeded, failed("bogus", 10), skipped].map((outcome) => outcomeLine(outcome, 5))).toEqual([
      "  ✓ acme   run #12 succeeded in 2.5 s",
      "  ✗ bogus  failed (exit 10): another run holds the lock. Wait for that run to finish.",
      "  – cold   skipped: paused since 2026-01-02T03:04:05.000Z"
    ])
  })

  it("gives errors as { tag, message } in the JSON document", () => {
    expect(outcomeJson(failed("bogus", 10))).toEqual({
      connection: "bogus",
      status: "failed",
      error: { tag: "LockHeld", message: "another run holds the lock" },
      exitCode: 10
    })
    expect(outcomeJson(skipped)).toEqual({
      connection: "cold",
      status: "skipped",
      pausedAt: "2026-01-02T03:04:05.000Z",
      reason: "the key was rejected"
    })
    expect(outcomeJson(succeeded)).toMatchObject({ connection: "acme", status: "succeeded", summary })
  })
})

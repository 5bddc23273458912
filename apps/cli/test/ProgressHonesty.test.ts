/**
 * Progress that tells the truth (issue 11 item 5): a finished backfill's last line is full and done, not a
 * near-empty bar with an ETA; waits summed over concurrent requests say so; a retry is in view.
 */
import { describe, expect, it } from "@effect/vitest"
import type { RetryNotice } from "@seatsync/atlassian-client"
import { ProgressEvent } from "@seatsync/sync"
import {
  backfillFinished,
  chunkMerged,
  initialBackfillProgress,
  userAsked
} from "../src/progress/BackfillProgress.js"
import { renderBackfillLine, renderBackfillProgress } from "../src/progress/BackfillProgressView.js"
import { initialSyncProgress, reduceSyncProgress } from "../src/progress/SyncProgress.js"
import { renderSyncProgress } from "../src/progress/SyncProgressView.js"

describe("a finished backfill", () => {
  // 12 stale users under the default budget of 5000: the backfill ends with 4988 calls unused.
  const merged = chunkMerged(userAsked(initialBackfillProgress("acme", 5000, 200), 12, 4988), 12, 4988)

  it("shows a full bar and done in the live display's last frame, not 0 % and an ETA", () => {
    const before = renderBackfillProgress(merged, 4000)[1]!
    expect(before).toContain(" 0% ")
    expect(before).toMatch(/ETA ≤ \d+ min$/)
    const last = renderBackfillProgress(backfillFinished(merged, 12, 4988), 5100)[1]!
    expect(last).toBe(
      "  [██████████████████████████████] 100% · 12 calls · 12 users merged · done (4988 calls of budget unused)"
    )
  })

  it("ends the plain output with a done line", () => {
    expect(renderBackfillLine(merged, 4000)).toMatch(
      /^ {2}\[░{30}\] 12 users merged, 4988 calls left, ETA ≤ /
    )
    expect(renderBackfillLine(backfillFinished(merged, 12, 4988), 5100)).toBe(
      "  [██████████████████████████████] 12 users merged, 4988 calls left, done (4988 calls of budget unused)"
    )
  })
})

describe("a sync's live display", () => {
  const notice: RetryNotice = {
    endpoint: "POST /v2/orgs/{orgId}/directories/{directoryId}/users/search",
    url: "https://api.atlassian.com/admin/v2/orgs/o1/directories/-/users/search",
    kind: "rate-limited",
    status: 429,
    detail: "HTTP 429",
    attempt: 1,
    maxAttempts: 13,
    delayMillis: 90_000,
    serverAsked: true
  }

  it("labels the waited time as summed over concurrent requests (18.1 s in a 5.1 s run)", () => {
    const state = reduceSyncProgress(
      initialSyncProgress("acme"),
      ProgressEvent.ApiStats({ apiCalls: 40, retries: 3, rateLimited: 3, sleptMillis: 18_100 })
    )
    expect(renderSyncProgress(state, 5_100)).toContain(
      "  API 40 calls · 3 retries · 3 rate-limits (429) · 18.1 s waited (summed over concurrent requests)"
    )
  })

  it("keeps the latest retry in view while the listings run, and drops it for the merge", () => {
    const retrying = reduceSyncProgress(
      reduceSyncProgress(initialSyncProgress("acme"), ProgressEvent.OrgVerified({ orgName: "Acme" })),
      ProgressEvent.Retrying({ notice })
    )
    expect(renderSyncProgress(retrying, 1000).at(-1)).toBe(
      "  ↻ POST /v2/orgs/{orgId}/directories/{directoryId}/users/search rate limited (HTTP 429) at https://api.atlassian.com/admin/v2/orgs/o1/directories/-/users/search · attempt 1 of 13 · next try in 90 s (asked by the server)"
    )
    const merging = reduceSyncProgress(retrying, ProgressEvent.Merging({ staged: { org_user: 1 } }))
    expect(renderSyncProgress(merging, 2000).join("\n")).not.toContain("↻")
  })
})

import { describe, expect, it } from "@effect/vitest"
import type { RunId } from "@seatsync/store"
import { ProgressEvent } from "@seatsync/sync"
import { initialSyncProgress, reduceSyncProgress } from "../src/progress/SyncProgress.js"
import { renderSyncProgress } from "../src/progress/SyncProgressView.js"

const page = (
  source: string,
  pages: number,
  records: number,
  extra: Partial<{ rejected: number; retries: number; rateLimited: number }> = {}
) =>
  ProgressEvent.PageStaged({
    source,
    pages,
    records,
    rejected: extra.rejected ?? 0,
    retries: extra.retries ?? 0,
    rateLimited: extra.rateLimited ?? 0
  })

const fold = (events: ReadonlyArray<ProgressEvent>) =>
  events.reduce(reduceSyncProgress, initialSyncProgress("acme"))

describe("sync progress state", () => {
  it("starts empty, verifying the organisation", () => {
    const state = initialSyncProgress("acme")
    expect(state).toMatchObject({ connectionName: "acme", phase: "starting", sources: [] })
    expect(renderSyncProgress(state, 0)).toEqual([
      "seatsync sync acme · 0.0 s",
      "  API 0 calls · 0 retries · no rate-limit waits",
      "  verifying the organisation…"
    ])
  })

  it("keeps one row per listing, in the order they first reported, with the latest counts", () => {
    const state = fold([
      ProgressEvent.RunStarted({ runId: 7 as RunId, connectionName: "acme", orgId: "org-1" }),
      ProgressEvent.OrgVerified({ orgName: "Acme Corp" }),
      page("products", 1, 5),
      page("users", 1, 100),
      page("groups", 1, 40),
      page("users", 2, 200, { rejected: 1 })
    ])
    expect(state.runId).toBe(7)
    expect(state.orgName).toBe("Acme Corp")
    expect(state.phase).toBe("extracting")
    expect(state.sources).toEqual([
      { source: "products", pages: 1, records: 5, rejected: 0 },
      { source: "users", pages: 2, records: 200, rejected: 1 },
      { source: "groups", pages: 1, records: 40, rejected: 0 }
    ])
  })

  it("takes the client's counters from ApiStats, and retries and 429s from pages that come without", () => {
    const withStats = fold([
      page("users", 1, 100),
      ProgressEvent.ApiStats({ apiCalls: 12, retries: 2, rateLimited: 1, sleptMillis: 1500 })
    ])
    expect(withStats.api).toEqual({ apiCalls: 12, retries: 2, rateLimited: 1, sleptMillis: 1500 })
    // A consumer of an older pipeline (no ApiStats) still sees retries and 429s from the pages.
    const pagesOnly = fold([page("users", 1, 100, { retries: 3, rateLimited: 2 }), page("groups", 1, 4)])
    expect(pagesOnly.api).toMatchObject({ retries: 3, rateLimited: 2 })
  })

  it("moves to merging with the number of staged records", () => {
    const state = fold([
      page("users", 1, 100),
      ProgressEvent.Merging({ staged: { org_user: 100, product: 5 } })
    ])
    expect(state.phase).toBe("merging")
    expect(state.staged).toBe(105)
  })
})

describe("sync progress display", () => {
  it("shows pages, records, rejections, retries and rate-limit waits, aligned", () => {
    const state = fold([
      ProgressEvent.RunStarted({ runId: 7 as RunId, connectionName: "acme", orgId: "org-1" }),
      ProgressEvent.OrgVerified({ orgName: "Acme Corp" }),
      page("products", 1, 5),
      page("users", 12, 1200, { rejected: 2 }),
      page("group grants", 3, 3),
      ProgressEvent.ApiStats({ apiCalls: 31, retries: 4, rateLimited: 3, sleptMillis: 6200 })
    ])
    expect(renderSyncProgress(state, 12_345)).toEqual([
      "seatsync sync acme · run #7 · Acme Corp · 12.3 s",
      "  … products       1 page      5 records",
      "  … users         12 pages  1200 records · 2 rejected",
      "  … group grants   3 pages     3 records",
      "  API 31 calls · 4 retries · 3 rate-limits (429) · 6.2 s waited (summed over concurrent requests)"
    ])
  })

  it("ticks every listing once the merge starts and says what it merges", () => {
    const state = fold([
      page("users", 1, 1),
      ProgressEvent.ApiStats({ apiCalls: 1, retries: 1, rateLimited: 1, sleptMillis: 1000 }),
      ProgressEvent.Merging({ staged: { org_user: 1 } })
    ])
    expect(renderSyncProgress(state, 2000).slice(1)).toEqual([
      "  ✓ users     1 page   1 records",
      "  API 1 call · 1 retry · 1 rate-limit (429) · 1.0 s waited (summed over concurrent requests)",
      "  merging 1 staged record into the live tables…"
    ])
  })
})

import { describe, expect, it } from "@effect/vitest"
import {
  backfillEtaMillis,
  chunkMerged,
  formatDuration,
  formatElapsed,
  initialBackfillProgress,
  userAsked
} from "../src/progress/BackfillProgress.js"
import { progressBar, renderBackfillProgress } from "../src/progress/BackfillProgressView.js"

describe("backfill progress", () => {
  it("counts calls as they are answered and users as their chunk is merged", () => {
    let state = initialBackfillProgress("acme", 600, 200)
    state = userAsked(state, 1, 599)
    state = userAsked(state, 200, 400)
    expect(state).toMatchObject({ asked: 200, remaining: 400, merged: 0 })
    state = chunkMerged(state, 200, 400)
    expect(state).toMatchObject({ asked: 200, remaining: 400, merged: 200 })
  })

  it("takes the budget a resumed backfill reports over the one it was started with", () => {
    // `--resume` with the default --budget 5000 but 150 calls left at the checkpoint.
    const state = userAsked(initialBackfillProgress("acme", 5000, 200), 1, 149)
    expect(state.asked + state.remaining).toBe(150)
  })

  it("estimates from the paced rate until enough answers are in, then from the observed rate", () => {
    const start = initialBackfillProgress("acme", 1000, 200)
    // Nothing observed yet: 1000 calls at 200 a minute.
    expect(backfillEtaMillis(start, 0)).toBe(5 * 60_000)
    // 100 answers in 60 s: 100 a minute observed, slower than the pacing allows; 900 left → 9 minutes.
    expect(backfillEtaMillis(userAsked(start, 100, 900), 60_000)).toBe(9 * 60_000)
    // Faster than the pacing is impossible to keep up (an early burst): the paced rate bounds it.
    expect(backfillEtaMillis(userAsked(start, 100, 900), 1000)).toBe(4.5 * 60_000)
  })

  it("formats durations for people", () => {
    expect(formatDuration(0)).toBe("0 s")
    expect(formatDuration(44_100)).toBe("45 s")
    expect(formatDuration(23 * 60_000 - 1)).toBe("23 min")
    expect(formatDuration(125 * 60_000)).toBe("2 h 05 min")
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("unknown")
    expect(formatElapsed(59_999)).toBe("59 s")
    expect(formatElapsed(75_000)).toBe("1 min 15 s")
    expect(formatElapsed(125 * 60_000 + 59_000)).toBe("2 h 05 min")
  })

  it("draws a bar proportional to the calls made", () => {
    expect(progressBar(0, 100, 10)).toBe("[░░░░░░░░░░]")
    expect(progressBar(55, 100, 10)).toBe("[█████░░░░░]")
    expect(progressBar(100, 100, 10)).toBe("[██████████]")
    expect(progressBar(0, 0, 4)).toBe("[████]")
  })

  it("renders the bar with counts and the ETA, and done at the end", () => {
    const state = chunkMerged(userAsked(initialBackfillProgress("acme", 1000, 200), 250, 750), 200, 800)
    expect(renderBackfillProgress(userAsked(state, 250, 750), 75_000)).toEqual([
      "seatsync backfill last-active acme · 1 min 15 s elapsed",
      "  [███████░░░░░░░░░░░░░░░░░░░░░░░] 25% · 250/1000 calls · 200 users merged · ETA ≤ 4 min"
    ])
    const finished = chunkMerged(userAsked(state, 1000, 0), 1000, 0)
    expect(renderBackfillProgress(finished, 300_000)[1]).toBe(
      "  [██████████████████████████████] 100% · 1000/1000 calls · 1000 users merged · done"
    )
  })
})

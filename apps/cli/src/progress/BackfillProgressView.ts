/** Renders a `BackfillProgressState` as a progress bar with an ETA: pure. */
import {
  type BackfillProgressState,
  backfillEtaMillis,
  formatDuration,
  formatElapsed
} from "./BackfillProgress.js"

/** `[██████░░░░] …` for `done` of `total`, `width` cells wide. */
export const progressBar = (done: number, total: number, width: number): string => {
  const filled = total <= 0 ? width : Math.min(width, Math.floor((done / total) * width))
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}]`
}

/** The display's lines for `state`, `elapsedMillis` after the backfill started. */
export const renderBackfillProgress = (
  state: BackfillProgressState,
  elapsedMillis: number
): ReadonlyArray<string> => {
  const total = state.asked + state.remaining
  const percent = total <= 0 ? 100 : Math.floor((state.asked / total) * 100)
  const eta =
    state.remaining === 0 ? "done" : `ETA ≤ ${formatDuration(backfillEtaMillis(state, elapsedMillis))}`
  return [
    `seatsync backfill last-active ${state.connectionName} · ${formatElapsed(elapsedMillis)} elapsed`,
    `  ${progressBar(state.asked, total, 30)} ${percent}% · ${state.asked}/${total} calls · ${state.merged} users merged · ${eta}`
  ]
}

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

/**
 * The bar, its percentage and what is left to say: the calls made out of the budget while it runs; once it
 * has finished, full and `done` — budget left over means no stale user was left, not work still to do.
 */
const barAndEta = (state: BackfillProgressState, elapsedMillis: number) => {
  const total = state.asked + state.remaining
  if (state.finished) {
    const unused = state.remaining > 0 ? ` (${state.remaining} calls of budget unused)` : ""
    return { bar: `${progressBar(1, 1, 30)} 100%`, total, eta: `done${unused}` }
  }
  const percent = total <= 0 ? 100 : Math.floor((state.asked / total) * 100)
  const eta =
    state.remaining === 0 ? "done" : `ETA ≤ ${formatDuration(backfillEtaMillis(state, elapsedMillis))}`
  return { bar: `${progressBar(state.asked, total, 30)} ${percent}%`, total, eta }
}

/** The display's lines for `state`, `elapsedMillis` after the backfill started. */
export const renderBackfillProgress = (
  state: BackfillProgressState,
  elapsedMillis: number
): ReadonlyArray<string> => {
  const { bar, total, eta } = barAndEta(state, elapsedMillis)
  const calls = state.finished ? `${state.asked} calls` : `${state.asked}/${total} calls`
  return [
    `seatsync backfill last-active ${state.connectionName} · ${formatElapsed(elapsedMillis)} elapsed`,
    `  ${bar} · ${calls} · ${state.merged} users merged · ${eta}`,
    ...(state.lastRetry === undefined || state.finished ? [] : [`  ↻ ${state.lastRetry}`])
  ]
}

/** One plain line (a log file, CI) after a merged chunk, and a last one when the backfill has finished. */
export const renderBackfillLine = (state: BackfillProgressState, elapsedMillis: number): string => {
  const total = state.asked + state.remaining
  const bar = state.finished ? progressBar(1, 1, 30) : progressBar(state.merged, total, 30)
  const { eta } = barAndEta(state, elapsedMillis)
  return `  ${bar} ${state.merged} users merged, ${state.remaining} calls left, ${eta}`
}

/**
 * The state of a running last-active backfill as its progress bar shows it, and the ETA: pure, so both are
 * tested without a terminal.
 */

export interface BackfillProgressState {
  readonly connectionName: string
  /** Users asked about so far in this invocation. */
  readonly asked: number
  /** Calls of budget left after them. */
  readonly remaining: number
  /** Users whose answers are merged (chunks are merged as a whole; an interrupted chunk is lost). */
  readonly merged: number
  /** `last-active-dates` calls per minute the client is paced to (Atlassian's limit: 200). */
  readonly callsPerMinute: number
  /**
   * The backfill has ended. Budget may be left (no stale user was left to ask about), so `remaining` alone
   * cannot say it is over.
   */
  readonly finished: boolean
  /** The latest retry the client announced, in words (shown until the backfill finishes). */
  readonly lastRetry?: string | undefined
}

export const initialBackfillProgress = (
  connectionName: string,
  budget: number,
  callsPerMinute: number
): BackfillProgressState => ({
  connectionName,
  asked: 0,
  remaining: budget,
  merged: 0,
  callsPerMinute,
  finished: false
})

/** After one more answered call (`asked` so far, `remaining` budget after it). */
export const userAsked = (
  state: BackfillProgressState,
  asked: number,
  remaining: number
): BackfillProgressState => (asked >= state.asked ? { ...state, asked, remaining } : state)

/** After a chunk was merged (`done` users merged so far, `remaining` budget). */
export const chunkMerged = (
  state: BackfillProgressState,
  done: number,
  remaining: number
): BackfillProgressState => ({
  ...state,
  merged: done,
  asked: Math.max(state.asked, done),
  remaining
})

/** After the backfill returned: `merged` users merged in all, `remaining` budget left unused. */
export const backfillFinished = (
  state: BackfillProgressState,
  merged: number,
  remaining: number
): BackfillProgressState => ({
  ...state,
  merged,
  asked: Math.max(state.asked, merged),
  remaining,
  finished: true
})

/** Below this many answers the observed rate says little; the paced rate is the better guess. */
const minimumSample = 10

/**
 * Milliseconds until the budget is used: the remaining calls at the rate observed so far, or — before
 * there is enough to observe — at the paced rate. It is an upper bound: the backfill stops earlier when no
 * stale user is left.
 */
export const backfillEtaMillis = (state: BackfillProgressState, elapsedMillis: number): number => {
  const pacedPerMilli = state.callsPerMinute / 60_000
  const observedPerMilli = state.asked >= minimumSample && elapsedMillis > 0 ? state.asked / elapsedMillis : 0
  const perMilli = observedPerMilli > 0 ? Math.min(observedPerMilli, pacedPerMilli) : pacedPerMilli
  return perMilli > 0 ? state.remaining / perMilli : Number.POSITIVE_INFINITY
}

/** `45 s`, `23 min`, `2 h 05 min`. */
export const formatDuration = (millis: number): string => {
  if (!Number.isFinite(millis)) return "unknown"
  const totalSeconds = Math.ceil(millis / 1000)
  if (totalSeconds < 60) return `${totalSeconds} s`
  const minutes = Math.ceil(totalSeconds / 60)
  if (minutes < 60) return `${minutes} min`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`
}

/** Time spent so far: `45 s`, `1 min 15 s`, `2 h 05 min` (rounded down, unlike an ETA). */
export const formatElapsed = (millis: number): string => {
  const totalSeconds = Math.floor(Math.max(0, millis) / 1000)
  if (totalSeconds < 60) return `${totalSeconds} s`
  const minutes = Math.floor(totalSeconds / 60)
  if (minutes < 60) return `${minutes} min ${String(totalSeconds % 60).padStart(2, "0")} s`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`
}

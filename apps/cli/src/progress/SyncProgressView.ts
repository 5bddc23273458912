/** Renders a `SyncProgressState` as the lines of the live display: pure, one line per listing. */
import { describeRetryNotice } from "@seatsync/atlassian-client"
import type { SyncProgressState } from "./SyncProgress.js"

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

const seconds = (millis: number) => `${(millis / 1000).toFixed(1)} s`

/**
 * What the waited figure is: the client adds up every request's wait, and listings run side by side, so the
 * sum can exceed the run's own duration (18.1 s waited in a 5.1 s run); it says so rather than pass for
 * wall-clock time.
 */
export const waitedLabel = "(summed over concurrent requests)"

/** The display's lines for `state`, `elapsedMillis` after the run started. */
export const renderSyncProgress = (
  state: SyncProgressState,
  elapsedMillis: number
): ReadonlyArray<string> => {
  const run = state.runId === undefined ? "" : ` · run #${state.runId}`
  const org = state.orgName === undefined ? "" : ` · ${state.orgName}`
  const header = `seatsync sync ${state.connectionName}${run}${org} · ${seconds(elapsedMillis)}`
  const width = Math.max(8, ...state.sources.map((source) => source.source.length))
  const pagesWidth = Math.max(1, ...state.sources.map((source) => String(source.pages).length))
  const recordsWidth = Math.max(1, ...state.sources.map((source) => String(source.records).length))
  const done = state.phase === "merging"
  const sources = state.sources.map((source) => {
    const rejected = source.rejected > 0 ? ` · ${source.rejected} rejected` : ""
    return `  ${done ? "✓" : "…"} ${source.source.padEnd(width)}  ${String(source.pages).padStart(pagesWidth)} ${source.pages === 1 ? "page " : "pages"}  ${String(source.records).padStart(recordsWidth)} records${rejected}`
  })
  const api = state.api
  const waits =
    api.rateLimited > 0 || api.sleptMillis > 0
      ? `${plural(api.rateLimited, "rate-limit (429)", "rate-limits (429)")} · ${seconds(api.sleptMillis)} waited ${waitedLabel}`
      : "no rate-limit waits"
  const apiLine = `  API ${plural(api.apiCalls, "call")} · ${plural(api.retries, "retry", "retries")} · ${waits}`
  // The last retry stays in view while the listings run: a wait of minutes is never a silent one.
  const retry =
    state.lastRetry === undefined || state.phase === "merging"
      ? []
      : [`  ↻ ${describeRetryNotice(state.lastRetry)}`]
  const phase =
    state.phase === "starting"
      ? ["  verifying the organisation…"]
      : state.phase === "merging"
        ? [`  merging ${plural(state.staged ?? 0, "staged record")} into the live tables…`]
        : []
  return [header, ...sources, apiLine, ...retry, ...phase]
}

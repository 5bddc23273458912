/**
 * The `csv` format (RFC 4180): a header row, then one row per record, CRLF line ends; a field holding a
 * comma, a double quote, CR or LF is quoted, its quotes doubled. Timestamps are ISO 8601 UTC (pure).
 */
import type { ReclaimReport, RunsReport, SeatsReport } from "./Documents.js"

type Cell = string | number | boolean | null

const field = (value: Cell): string => {
  const text = value === null ? "" : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const timestamp = (date: Date | null): Cell => (date === null ? null : date.toISOString())

/** Header and rows as one RFC 4180 document. */
export const renderCsv = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string =>
  `${[header, ...rows].map((row) => row.map(field).join(",")).join("\r\n")}\r\n`

export const seatsHeader = [
  "connection",
  "product_id",
  "product_key",
  "product_name",
  "plan",
  "inactive_after_days",
  "capacity",
  "assigned",
  "billable",
  "active_30",
  "active_60",
  "active_90",
  "never_active",
  "reclaimable",
  "utilisation"
] as const

/** One row per connection × product (the seat ledger's history is in the json and html formats). */
export const seatsCsv = (report: SeatsReport): string =>
  renderCsv(
    seatsHeader,
    report.seats.map((row) => [
      row.connection,
      row.productId,
      row.productKey,
      row.productName,
      row.plan,
      row.inactiveAfterDays,
      row.capacity,
      row.assigned,
      row.billable,
      row.active30,
      row.active60,
      row.active90,
      row.neverActive,
      row.reclaimable,
      row.utilisation
    ])
  )

export const reclaimHeader = [
  "connection",
  "account_id",
  "name",
  "email",
  "product_id",
  "product_key",
  "product_name",
  "verdict",
  "last_active_at",
  "days_since_active",
  "activity_source",
  "activity_observed_at",
  "roles",
  "account_type",
  "status",
  "managed",
  "added_to_org",
  "days_since_added",
  "inactive_after_days"
] as const

/** One row per seat to reclaim; `roles` is space-separated. */
export const reclaimCsv = (report: ReclaimReport): string =>
  renderCsv(
    reclaimHeader,
    report.candidates.map((row) => [
      row.connection,
      row.accountId,
      row.name,
      row.email,
      row.productId,
      row.productKey,
      row.productName,
      row.verdict,
      timestamp(row.lastActiveAt),
      row.daysSinceActive,
      row.activitySource,
      timestamp(row.activityObservedAt),
      row.roles.join(" "),
      row.accountType,
      row.status,
      row.managed,
      timestamp(row.addedToOrg),
      row.daysSinceAdded,
      row.inactiveAfterDays
    ])
  )

export const runsHeader = [
  "run_id",
  "connection",
  "status",
  "trigger",
  "started_at",
  "finished_at",
  "duration_seconds",
  "api_calls",
  "retries",
  "rate_limited",
  "slept_ms",
  "quarantined",
  "error_tag",
  "error_message",
  "connection_paused",
  "connection_paused_at",
  "connection_paused_reason",
  "connection_consecutive_failures"
] as const

/**
 * One row per run, each carrying its connection's health (paused, since when, why, failure streak); a
 * connection without any run gets one row with empty run fields, so a pause is never invisible.
 */
export const runsCsv = (report: RunsReport): string => {
  const healthOf = (name: string) => report.connections.find((row) => row.connection === name)
  const healthCells = (name: string): ReadonlyArray<Cell> => {
    const health = healthOf(name)
    return health === undefined
      ? [null, null, null, null]
      : [health.paused, timestamp(health.pausedAt), health.pausedReason, health.consecutiveFailures]
  }
  const withRuns = new Set(report.runs.map((row) => row.connection))
  return renderCsv(runsHeader, [
    ...report.runs.map((row) => [
      row.runId,
      row.connection,
      row.status,
      row.trigger,
      timestamp(row.startedAt),
      timestamp(row.finishedAt),
      row.durationSeconds,
      row.apiCalls,
      row.retries,
      row.rateLimited,
      row.sleptMs,
      row.quarantined,
      row.errorTag,
      row.errorMessage,
      ...healthCells(row.connection)
    ]),
    ...report.connections
      .filter((health) => !withRuns.has(health.connection))
      .map((health) => [
        null,
        health.connection,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        ...healthCells(health.connection)
      ])
  ])
}

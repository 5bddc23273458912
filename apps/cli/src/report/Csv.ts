/**
 * The `csv` format (RFC 4180): a header row, then one row per record, CRLF line ends; a field holding a
 * comma, a double quote, CR or LF is quoted, its quotes doubled. Timestamps are ISO 8601 UTC (pure).
 */
import type {
  ConnectionHealthRow,
  ReclaimReport,
  ReclaimRow,
  RunRow,
  RunsReport,
  SeatRow,
  SeatsReport
} from "./Documents.js"

type Cell = string | number | boolean | null

const field = (value: Cell): string => {
  const text = value === null ? "" : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const timestamp = (date: Date | null): Cell => (date === null ? null : date.toISOString())

/** Header and rows as one RFC 4180 document. */
export const renderCsv = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string =>
  `${[header, ...rows].map((row) => row.map(field).join(",")).join("\r\n")}\r\n`

/** A CSV column: its header and how a record fills it. */
type Column<A> = readonly [header: string, cell: (record: A) => Cell]

const headerOf = <A>(columns: ReadonlyArray<Column<A>>) => columns.map(([header]) => header)
const cellsOf = <A>(columns: ReadonlyArray<Column<A>>, record: A) => columns.map(([, cell]) => cell(record))

const seatsColumns: ReadonlyArray<Column<SeatRow>> = [
  ["connection", (row) => row.connection],
  ["product_id", (row) => row.productId],
  ["product_key", (row) => row.productKey],
  ["product_name", (row) => row.productName],
  ["plan", (row) => row.plan],
  ["inactive_after_days", (row) => row.inactiveAfterDays],
  ["capacity", (row) => row.capacity],
  ["assigned", (row) => row.assigned],
  ["billable", (row) => row.billable],
  ["active_30", (row) => row.active30],
  ["active_60", (row) => row.active60],
  ["active_90", (row) => row.active90],
  ["never_active", (row) => row.neverActive],
  ["reclaimable", (row) => row.reclaimable],
  ["utilisation", (row) => row.utilisation]
]

/** One row per connection × product (the seat ledger's history is in the json and html formats). */
export const seatsCsv = (report: SeatsReport): string =>
  renderCsv(
    headerOf(seatsColumns),
    report.seats.map((row) => cellsOf(seatsColumns, row))
  )

const reclaimColumns: ReadonlyArray<Column<ReclaimRow>> = [
  ["connection", (row) => row.connection],
  ["account_id", (row) => row.accountId],
  ["name", (row) => row.name],
  ["email", (row) => row.email],
  ["product_id", (row) => row.productId],
  ["product_key", (row) => row.productKey],
  ["product_name", (row) => row.productName],
  ["verdict", (row) => row.verdict],
  ["last_active_at", (row) => timestamp(row.lastActiveAt)],
  ["days_since_active", (row) => row.daysSinceActive],
  ["activity_source", (row) => row.activitySource],
  ["activity_observed_at", (row) => timestamp(row.activityObservedAt)],
  ["roles", (row) => row.roles.join(" ")],
  ["account_type", (row) => row.accountType],
  ["status", (row) => row.status],
  ["managed", (row) => row.managed],
  ["added_to_org", (row) => timestamp(row.addedToOrg)],
  ["days_since_added", (row) => row.daysSinceAdded],
  ["inactive_after_days", (row) => row.inactiveAfterDays]
]

/** One row per seat to reclaim; `roles` is space-separated. */
export const reclaimCsv = (report: ReclaimReport): string =>
  renderCsv(
    headerOf(reclaimColumns),
    report.candidates.map((row) => cellsOf(reclaimColumns, row))
  )

const runColumns: ReadonlyArray<Column<RunRow>> = [
  ["run_id", (row) => row.runId],
  ["connection", (row) => row.connection],
  ["status", (row) => row.status],
  ["trigger", (row) => row.trigger],
  ["started_at", (row) => timestamp(row.startedAt)],
  ["finished_at", (row) => timestamp(row.finishedAt)],
  ["duration_seconds", (row) => row.durationSeconds],
  ["api_calls", (row) => row.apiCalls],
  ["retries", (row) => row.retries],
  ["rate_limited", (row) => row.rateLimited],
  ["slept_ms", (row) => row.sleptMs],
  ["quarantined", (row) => row.quarantined],
  ["error_tag", (row) => row.errorTag],
  ["error_message", (row) => row.errorMessage]
]

/** The connection's health beside each of its runs; empty when the report has no health row for it. */
const healthColumns: ReadonlyArray<Column<ConnectionHealthRow | undefined>> = [
  ["connection_paused", (health) => health?.paused ?? null],
  ["connection_paused_at", (health) => timestamp(health?.pausedAt ?? null)],
  ["connection_paused_reason", (health) => health?.pausedReason ?? null],
  ["connection_consecutive_failures", (health) => health?.consecutiveFailures ?? null]
]

/**
 * One row per run, each carrying its connection's health (paused, since when, why, failure streak); a
 * connection without any run gets one row with empty run fields but its name, so a pause is never invisible.
 */
export const runsCsv = (report: RunsReport): string => {
  const healthOf = (name: string) => report.connections.find((row) => row.connection === name)
  const withRuns = new Set(report.runs.map((row) => row.connection))
  return renderCsv(
    [...headerOf(runColumns), ...headerOf(healthColumns)],
    [
      ...report.runs.map((row) => [
        ...cellsOf(runColumns, row),
        ...cellsOf(healthColumns, healthOf(row.connection))
      ]),
      ...report.connections
        .filter((health) => !withRuns.has(health.connection))
        .map((health) => [
          ...runColumns.map(([header]) => (header === "connection" ? health.connection : null)),
          ...cellsOf(healthColumns, health)
        ])
    ]
  )
}

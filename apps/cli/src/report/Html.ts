/**
 * The `html` format: one self-contained page — per product a bar chart of purchased vs assigned vs active
 * seats now and a line chart of the seat ledger over time, the reclaim list with its evidence, and each
 * connection's health with its recent runs. Inline CSS and SVG only: no script, font, image or link
 * fetched from anywhere. Pure: documents in, a string out; every interpolated value is escaped.
 */
import type { LedgerDay, ReclaimReport, RunsReport, SeatRow, SeatsReport } from "./Documents.js"
import { escapeHtml } from "./Escape.js"
import { count, day, duration, managedLabel, minute, percent, productLabel, verdictLabel } from "./Format.js"
import { barChart, lineChart, type Series } from "./Svg.js"

export interface HtmlReport {
  readonly seats: SeatsReport
  readonly reclaim: ReclaimReport
  readonly runs: RunsReport
}

/** The series of both charts, named as the legend shows them. */
export const chartSeries = {
  purchased: { name: "Purchased", colour: "#6e7781" },
  assigned: { name: "Assigned", colour: "#1f6feb" },
  active: { name: "Active (30 days)", colour: "#2da44e" },
  reclaimable: { name: "Reclaimable", colour: "#cf222e" }
} as const satisfies Record<string, Series>

const style = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:2rem auto;max-width:1100px;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
h3{margin:1.4rem 0 .4rem}.muted{color:#656d76}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:13px}
th,td{border-bottom:1px solid #d8dee4;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{max-width:100%;height:auto;border:1px solid #d8dee4;border-radius:6px}
svg .grid{stroke:#eaeef2}svg .tick{font-size:10px;fill:#656d76}svg .value{font-size:11px;fill:#1f2328}svg .legend{font-size:11px;fill:#1f2328}svg .caption{font-size:12px;font-weight:600;fill:#1f2328}
.paused{background:#fff1e5}.badge{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:12px}
.badge.bad{background:#ffebe9;color:#a40e26}.badge.ok{background:#dafbe1;color:#116329}
@media print{body{margin:0}.charts svg{break-inside:avoid}}
`

const text = (value: string | number | null | undefined) =>
  value === null || value === undefined ? "–" : escapeHtml(String(value))

const table = (
  header: ReadonlyArray<{ readonly label: string; readonly numeric?: boolean }>,
  rows: ReadonlyArray<{ readonly cells: ReadonlyArray<string>; readonly className?: string }>
) =>
  `<table><thead><tr>${header.map((column) => `<th${column.numeric === true ? ' class="n"' : ""}>${escapeHtml(column.label)}</th>`).join("")}</tr></thead><tbody>` +
  rows
    .map(
      (row) =>
        `<tr${row.className === undefined ? "" : ` class="${row.className}"`}>${row.cells
          .map((cell, index) => `<td${header[index]?.numeric === true ? ' class="n"' : ""}>${cell}</td>`)
          .join("")}</tr>`
    )
    .join("") +
  "</tbody></table>"

const productCharts = (seat: SeatRow, ledger: ReadonlyArray<LedgerDay>) => {
  const label = `${productLabel(seat)} · ${seat.connection}`
  const now = barChart(`${label}: seats now`, [
    { series: chartSeries.purchased, value: seat.capacity },
    { series: chartSeries.assigned, value: seat.assigned },
    { series: chartSeries.active, value: seat.active30 },
    { series: chartSeries.reclaimable, value: seat.reclaimable }
  ])
  const history = ledger
    .filter((row) => row.connection === seat.connection && row.productId === seat.productId)
    .sort((a, b) => a.day.localeCompare(b.day))
  const days = history.map((row) => row.day)
  const overTime =
    history.length === 0
      ? `<p class="muted">No seat ledger days recorded yet.</p>`
      : lineChart(`${label}: seats by day`, days, [
          { series: chartSeries.purchased, values: history.map((row) => row.capacity) },
          { series: chartSeries.assigned, values: history.map((row) => row.assigned) },
          { series: chartSeries.active, values: history.map((row) => row.active30) }
        ])
  return (
    `<h3>${text(productLabel(seat))} <span class="muted">${text(seat.connection)} · plan ${text(seat.plan)}</span></h3>` +
    `<p>Purchased ${text(count(seat.capacity))}, assigned ${seat.assigned}, billable ${seat.billable}, active in 30/60/90 days ${seat.active30}/${seat.active60}/${seat.active90}, never active ${seat.neverActive}, reclaimable ${seat.reclaimable} (inactive after ${seat.inactiveAfterDays} days); utilisation ${text(percent(seat.utilisation))}.</p>` +
    `<div class="charts">${now}${overTime}</div>`
  )
}

const seatsSection = (report: SeatsReport) => {
  if (report.seats.length === 0) return `<h2>Seats</h2><p>No products synced yet.</p>`
  const summary = table(
    [
      { label: "connection" },
      { label: "product" },
      { label: "purchased", numeric: true },
      { label: "assigned", numeric: true },
      { label: "billable", numeric: true },
      { label: "active 30d", numeric: true },
      { label: "60d", numeric: true },
      { label: "90d", numeric: true },
      { label: "never active", numeric: true },
      { label: "reclaimable", numeric: true },
      { label: "utilisation", numeric: true }
    ],
    report.seats.map((row) => ({
      cells: [
        text(row.connection),
        text(productLabel(row)),
        text(count(row.capacity)),
        text(row.assigned),
        text(row.billable),
        text(row.active30),
        text(row.active60),
        text(row.active90),
        text(row.neverActive),
        text(row.reclaimable),
        text(percent(row.utilisation))
      ]
    }))
  )
  return `<h2>Seats</h2>${summary}${report.seats.map((seat) => productCharts(seat, report.ledger)).join("")}`
}

const reclaimSection = (report: ReclaimReport) => {
  const heading = `<h2>Seats to reclaim <span class="muted">(${report.candidates.length})</span></h2>`
  if (report.candidates.length === 0) return `${heading}<p>None: every billable seat is in use.</p>`
  return (
    heading +
    `<p class="muted">Billable seats whose holder was inactive for the threshold or never active, never-active first, then the longest idle. The evidence: the last-active date, where it came from and when seatsync observed it.</p>` +
    table(
      [
        { label: "connection" },
        { label: "account" },
        { label: "name" },
        { label: "email" },
        { label: "product" },
        { label: "verdict" },
        { label: "last active" },
        { label: "days idle", numeric: true },
        { label: "source" },
        { label: "observed" },
        { label: "roles" },
        { label: "account" },
        { label: "added", numeric: false }
      ],
      report.candidates.map((row) => ({
        cells: [
          text(row.connection),
          `<code>${text(row.accountId)}</code>`,
          text(row.name),
          text(row.email),
          text(productLabel(row)),
          `<span class="badge bad">${text(verdictLabel(row.verdict))}</span>`,
          row.lastActiveAt === null ? "never" : text(day(row.lastActiveAt)),
          text(row.daysSinceActive),
          text(row.activitySource),
          row.activityObservedAt === null ? "–" : text(day(row.activityObservedAt)),
          text(row.roles.join(", ")),
          text(
            `${row.accountType}, ${managedLabel(row.managed)}${row.status === null ? "" : `, ${row.status}`}`
          ),
          row.addedToOrg === null ? "–" : text(day(row.addedToOrg))
        ]
      }))
    )
  )
}

const runsSection = (report: RunsReport) => {
  const health = table(
    [
      { label: "connection" },
      { label: "state" },
      { label: "paused since" },
      { label: "paused because" },
      { label: "failures in a row", numeric: true },
      { label: "last run" },
      { label: "last success" }
    ],
    report.connections.map((row) => ({
      className: row.paused ? "paused" : "healthy",
      cells: [
        text(row.connection),
        row.paused ? `<span class="badge bad">paused</span>` : `<span class="badge ok">scheduled</span>`,
        row.pausedAt === null ? "–" : text(minute(row.pausedAt)),
        text(row.pausedReason),
        text(row.consecutiveFailures),
        row.lastRunId === null
          ? "never"
          : text(
              `#${row.lastRunId} ${row.lastRunStatus ?? ""}${row.lastErrorTag === null ? "" : ` (${row.lastErrorTag})`}`
            ),
        row.lastSuccessAt === null ? "never" : text(minute(row.lastSuccessAt))
      ]
    }))
  )
  const runs =
    report.runs.length === 0
      ? "<p>No runs recorded yet.</p>"
      : table(
          [
            { label: "run", numeric: true },
            { label: "connection" },
            { label: "status" },
            { label: "trigger" },
            { label: "started" },
            { label: "took", numeric: true },
            { label: "API calls", numeric: true },
            { label: "retries", numeric: true },
            { label: "429s", numeric: true },
            { label: "quarantined", numeric: true },
            { label: "error" }
          ],
          report.runs.map((row) => ({
            cells: [
              text(row.runId),
              text(row.connection),
              text(row.status),
              text(row.trigger),
              text(minute(row.startedAt)),
              text(duration(row.durationSeconds)),
              text(row.apiCalls),
              text(row.retries),
              text(row.rateLimited),
              text(row.quarantined),
              row.errorTag === null ? "" : text(`${row.errorTag}: ${row.errorMessage ?? ""}`)
            ]
          }))
        )
  return `<h2>Connections and runs</h2>${health}<h3>Recent runs</h3>${runs}`
}

export const renderHtml = (report: HtmlReport): string => {
  const connections = [...new Set(report.runs.connections.map((row) => row.connection))]
  const title = `seatsync report — ${connections.length === 0 ? "no connections" : connections.join(", ")}`
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${style}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="muted">Generated ${escapeHtml(minute(report.seats.generatedAt))} by seatsync from its PostgreSQL copy of the organisation.</p>`,
    seatsSection(report.seats),
    reclaimSection(report.reclaim),
    runsSection(report.runs),
    "</body></html>",
    ""
  ].join("\n")
}

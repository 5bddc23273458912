/** The `table` format of each report: aligned columns for an 80–120 column terminal (pure). */
import type { ReclaimReport, RunsReport, SeatsReport } from "./Documents.js"
import { count, day, duration, minute, percent, productLabel, verdictLabel } from "./Format.js"
import { renderTable } from "./Table.js"

const distinct = (values: ReadonlyArray<string>) => [...new Set(values)]

const thresholdNote = (thresholds: ReadonlyArray<number>) =>
  thresholds.length === 0
    ? ""
    : `reclaimable: billable seats inactive for ${thresholds.join(" / ")} days or never active (14 days' grace for new accounts)`

export const seatsTable = (report: SeatsReport): string => {
  if (report.seats.length === 0) {
    return "No products synced yet: run `seatsync sync <connection>` (or `seatsync sync --demo`) first."
  }
  const several = distinct(report.seats.map((row) => row.connection)).length > 1
  const table = renderTable(
    [
      ...(several ? [{ header: "connection", maxWidth: 16 }] : []),
      { header: "product", maxWidth: 36 },
      { header: "purchased", align: "right" as const },
      { header: "assigned", align: "right" as const },
      { header: "billable", align: "right" as const },
      { header: "act 30d", align: "right" as const },
      { header: "60d", align: "right" as const },
      { header: "90d", align: "right" as const },
      { header: "never", align: "right" as const },
      { header: "reclaim", align: "right" as const },
      { header: "used", align: "right" as const }
    ],
    report.seats.map((row) => [
      ...(several ? [row.connection] : []),
      productLabel(row),
      count(row.capacity),
      String(row.assigned),
      String(row.billable),
      String(row.active30),
      String(row.active60),
      String(row.active90),
      String(row.neverActive),
      String(row.reclaimable),
      percent(row.utilisation)
    ])
  )
  const days = distinct(report.ledger.map((row) => row.day)).sort()
  const history =
    days.length === 0
      ? "seat ledger: no days recorded yet"
      : days.length === 1
        ? `seat ledger: 1 day (${days[0]}); --format html charts it`
        : `seat ledger: ${days.length} days (${days[0]} … ${days[days.length - 1]}); --format html charts them`
  return [
    `Seats as of ${minute(report.generatedAt)} (used = billable ÷ purchased)`,
    "",
    table,
    "",
    thresholdNote(distinct(report.seats.map((row) => String(row.inactiveAfterDays))).map(Number)),
    history
  ].join("\n")
}

export const reclaimTable = (report: ReclaimReport): string => {
  if (report.candidates.length === 0) {
    return `No seats to reclaim as of ${minute(report.generatedAt)}: every billable seat is in use (or has no activity data yet).`
  }
  const several = distinct(report.candidates.map((row) => row.connection)).length > 1
  const table = renderTable(
    [
      ...(several ? [{ header: "connection", maxWidth: 16 }] : []),
      { header: "user", maxWidth: 38 },
      { header: "product", maxWidth: 28 },
      { header: "verdict" },
      { header: "last active" },
      { header: "days", align: "right" as const },
      { header: "evidence from" }
    ],
    report.candidates.map((row) => [
      ...(several ? [row.connection] : []),
      row.email ?? row.name,
      productLabel(row),
      verdictLabel(row.verdict),
      row.lastActiveAt === null ? "never" : day(row.lastActiveAt),
      row.daysSinceActive === null ? "–" : String(row.daysSinceActive),
      row.activitySource ?? "–"
    ])
  )
  const byProduct = distinct(report.candidates.map((row) => row.productKey))
    .map((key) => `${key} ${report.candidates.filter((row) => row.productKey === key).length}`)
    .join(", ")
  return [
    `${report.candidates.length} seat${report.candidates.length === 1 ? "" : "s"} to reclaim as of ${minute(report.generatedAt)} (${byProduct})`,
    "",
    table,
    "",
    thresholdNote(distinct(report.candidates.map((row) => String(row.inactiveAfterDays))).map(Number)),
    "account ids, roles, managed or not, when observed: --format csv, json or html"
  ].join("\n")
}

export const runsTable = (report: RunsReport): string => {
  if (report.connections.length === 0) {
    return "No connections are registered yet; add one with `seatsync connect <name> --org-id …` or run `seatsync sync --demo`."
  }
  const health = renderTable(
    [
      { header: "connection", maxWidth: 24 },
      { header: "state" },
      { header: "failures", align: "right" },
      { header: "last run" },
      { header: "last success" },
      { header: "schedule", maxWidth: 24 }
    ],
    report.connections.map((row) => [
      row.connection,
      row.paused ? "PAUSED" : "scheduled",
      String(row.consecutiveFailures),
      row.lastRunId === null ? "never" : `#${row.lastRunId} ${row.lastRunStatus ?? ""}`,
      row.lastSuccessAt === null ? "never" : minute(row.lastSuccessAt),
      `${row.schedule} ${row.timeZone}`
    ])
  )
  const paused = report.connections.flatMap((row) =>
    row.paused
      ? [
          `${row.connection} is paused${row.pausedAt === null ? "" : ` since ${minute(row.pausedAt)}`}: ${row.pausedReason ?? "no reason recorded"} — resume with \`seatsync connect ${row.connection} --resume\`.`
        ]
      : []
  )
  const runs =
    report.runs.length === 0
      ? "No runs recorded yet."
      : renderTable(
          [
            { header: "run", align: "right" },
            { header: "connection", maxWidth: 16 },
            { header: "status" },
            { header: "trigger" },
            { header: "started" },
            { header: "took", align: "right" },
            { header: "calls", align: "right" },
            { header: "retries", align: "right" },
            { header: "429s", align: "right" },
            { header: "error", maxWidth: 30 }
          ],
          report.runs.map((row) => [
            String(row.runId),
            row.connection,
            row.status,
            row.trigger,
            minute(row.startedAt),
            duration(row.durationSeconds),
            String(row.apiCalls),
            String(row.retries),
            String(row.rateLimited),
            row.errorTag === null ? "" : `${row.errorTag}: ${row.errorMessage ?? ""}`
          ])
        )
  return [
    "Connections",
    "",
    health,
    ...(paused.length === 0 ? [] : ["", ...paused]),
    "",
    `Runs (the ${report.runs.length} most recent, newest first)`,
    "",
    runs
  ].join("\n")
}

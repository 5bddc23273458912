/**
 * The runs report: each connection's health (scheduled or paused, since when and why, failures in a row, last
 * run, last success) and the most recent sync runs with their reconciliation (the organisation's counts
 * against what each run listed and stored, and the entities whose rows a run kept because of drift or
 * quarantine) — its document, how it is loaded and how it reads as a table, CSV, JSON and an HTML section.
 */
import { Reports, SyncRuns } from "@seatsync/store"
import { Effect, Schema } from "effect"
import { type Column, cellsOf, headerOf, renderCsv, timestamp } from "../Csv.js"
import { htmlTable, htmlText } from "../HtmlTable.js"
import * as Report from "../Report.js"
import { connectionIdOf, type Selection } from "../Selection.js"
import { renderTable } from "../Table.js"
import { duration, minute } from "../ValueText.js"

const Count = Schema.NonNegativeInt

export const ConnectionHealthRow = Schema.Struct({
  connection: Schema.String,
  orgId: Schema.String,
  schedule: Schema.String,
  timeZone: Schema.String,
  paused: Schema.Boolean,
  pausedAt: Schema.NullOr(Schema.Date),
  pausedReason: Schema.NullOr(Schema.String),
  consecutiveFailures: Count,
  lastRunId: Schema.NullOr(Schema.Int),
  lastRunStatus: Schema.NullOr(SyncRuns.Status),
  lastRunStartedAt: Schema.NullOr(Schema.Date),
  lastRunFinishedAt: Schema.NullOr(Schema.Date),
  lastErrorTag: Schema.NullOr(Schema.String),
  lastErrorMessage: Schema.NullOr(Schema.String),
  lastSuccessAt: Schema.NullOr(Schema.Date)
}).annotations({
  identifier: "ConnectionHealthRow",
  description: "A connection's health: pause state and reason, failure streak, last run, last success."
})
export type ConnectionHealthRow = typeof ConnectionHealthRow.Type

export const RunRow = Schema.Struct({
  runId: Schema.Int,
  connection: Schema.String,
  status: SyncRuns.Status,
  trigger: SyncRuns.Trigger,
  startedAt: Schema.Date,
  finishedAt: Schema.NullOr(Schema.Date),
  durationSeconds: Schema.Number,
  apiCalls: Count,
  retries: Count,
  rateLimited: Count,
  sleptMs: Schema.Number,
  quarantined: Count,
  errorTag: Schema.NullOr(Schema.String),
  errorMessage: Schema.NullOr(Schema.String),
  entityCounts: Schema.Record({ key: Schema.String, value: Schema.Number }),
  /** Expected (the organisation's counts) vs listed and stored per counted entity; null before it was recorded. */
  reconciliation: Schema.NullOr(SyncRuns.Reconciliation)
}).annotations({ identifier: "RunRow", description: "One sync run from the run ledger." })
export type RunRow = typeof RunRow.Type

/** The `--format json` document. */
export const RunsReport = Schema.Struct({
  report: Schema.Literal("runs"),
  generatedAt: Schema.Date,
  connections: Schema.Array(ConnectionHealthRow),
  runs: Schema.Array(RunRow)
}).annotations({
  identifier: "RunsReport",
  title: "seatsync runs report",
  description: "Each connection's health and the most recent sync runs, newest first."
})
export type RunsReport = typeof RunsReport.Type

/** How many runs `report runs` lists (newest first, across the selected connections). */
export const runLimit = 20

export const loadRuns = (selection: Selection) =>
  Effect.gen(function* () {
    const connectionId = connectionIdOf(selection)
    const health = yield* Reports.connectionHealth(connectionId)
    const runs = yield* Reports.runHistory(connectionId, runLimit)
    // The same runs from the ledger itself, for the reconciliation the run-health view does not carry.
    const ledger = yield* SyncRuns.listRecent(connectionId, runLimit)
    const reconciliationOf = new Map(ledger.map((run) => [run.id, run.reconciliation]))
    return {
      report: "runs",
      generatedAt: selection.generatedAt,
      connections: health.map(
        (row): ConnectionHealthRow => ({
          connection: row.connectionName,
          orgId: row.orgId,
          schedule: row.schedule,
          timeZone: row.timeZone,
          paused: row.pausedAt !== null,
          pausedAt: row.pausedAt,
          pausedReason: row.pausedReason,
          consecutiveFailures: row.consecutiveFailures,
          lastRunId: row.lastRunId,
          lastRunStatus: row.lastRunStatus,
          lastRunStartedAt: row.lastRunStartedAt,
          lastRunFinishedAt: row.lastRunFinishedAt,
          lastErrorTag: row.lastErrorTag,
          lastErrorMessage: row.lastErrorMessage,
          lastSuccessAt: row.lastSuccessAt
        })
      ),
      runs: runs.map(
        (row): RunRow => ({
          runId: row.runId,
          connection: row.connectionName,
          status: row.status,
          trigger: row.trigger,
          startedAt: row.startedAt,
          finishedAt: row.finishedAt,
          durationSeconds: row.durationSeconds,
          apiCalls: row.apiCalls,
          retries: row.retries,
          rateLimited: row.rateLimited,
          sleptMs: row.sleptMs,
          quarantined: row.quarantined,
          errorTag: row.errorTag,
          errorMessage: row.errorMessage,
          entityCounts: row.entityCounts,
          reconciliation: reconciliationOf.get(row.runId) ?? null
        })
      )
    } satisfies RunsReport
  })

const countedLabels: Readonly<Record<string, string>> = { org_user: "users", org_group: "groups" }

/** `users 250/250 · groups 40/38 DRIFT`: expected (after the listings) / stored, per counted entity. */
export const expectedVsStored = (reconciliation: SyncRuns.Reconciliation | null): string =>
  reconciliation === null
    ? ""
    : Object.entries(reconciliation.entities)
        .map(
          ([entity, r]) =>
            `${countedLabels[entity] ?? entity} ${r.expectedAfter}/${r.stored}${r.drift ? " DRIFT" : ""}`
        )
        .join(" · ")

/** `org_user (drift), product_role (quarantine)`: what a run did not soft-delete from, and why. */
export const keptText = (reconciliation: SyncRuns.Reconciliation | null): string =>
  (reconciliation?.kept ?? []).map((entry) => `${entry.entity} (${entry.reason})`).join(", ")

/** The connections' health, a sentence per paused one saying how to resume it, then the runs. */
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
            { header: "expected/stored", maxWidth: 34 },
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
            expectedVsStored(row.reconciliation),
            row.errorTag === null ? "" : `${row.errorTag}: ${row.errorMessage ?? ""}`
          ])
        )
  const kept = report.runs.flatMap((row) =>
    keptText(row.reconciliation) === ""
      ? []
      : [
          `Run #${row.runId} kept the unseen rows of ${keptText(row.reconciliation)} instead of removing them.`
        ]
  )
  return [
    "Connections",
    "",
    health,
    ...(paused.length === 0 ? [] : ["", ...paused]),
    "",
    `Runs (the ${report.runs.length} most recent, newest first)`,
    "",
    runs,
    ...(kept.length === 0 ? [] : ["", ...kept])
  ].join("\n")
}

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
  ["error_message", (row) => row.errorMessage],
  ["users_expected", (row) => row.reconciliation?.entities.org_user?.expectedAfter ?? null],
  ["users_stored", (row) => row.reconciliation?.entities.org_user?.stored ?? null],
  ["groups_expected", (row) => row.reconciliation?.entities.org_group?.expectedAfter ?? null],
  ["groups_stored", (row) => row.reconciliation?.entities.org_group?.stored ?? null],
  ["drift", (row) => (row.reconciliation === null ? null : SyncRuns.drifted(row.reconciliation).join(" "))],
  ["kept", (row) => (row.reconciliation === null ? null : keptText(row.reconciliation))]
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

/** The connections' health (paused rows marked) and the recent runs. */
export const runsSection = (report: RunsReport): string => {
  const health = htmlTable(
    [
      { label: "connection" },
      { label: "state" },
      { label: "paused since", kind: "date" as const },
      { label: "paused because" },
      { label: "failures in a row", numeric: true },
      { label: "last run" },
      { label: "last success", kind: "date" as const }
    ],
    report.connections.map((row) => ({
      className: row.paused ? "paused" : "healthy",
      cells: [
        htmlText(row.connection),
        row.paused ? `<span class="badge bad">paused</span>` : `<span class="badge ok">scheduled</span>`,
        row.pausedAt === null ? "–" : htmlText(minute(row.pausedAt)),
        htmlText(row.pausedReason),
        htmlText(row.consecutiveFailures),
        row.lastRunId === null
          ? "never"
          : htmlText(
              `#${row.lastRunId} ${row.lastRunStatus ?? ""}${row.lastErrorTag === null ? "" : ` (${row.lastErrorTag})`}`
            ),
        row.lastSuccessAt === null ? "never" : htmlText(minute(row.lastSuccessAt))
      ]
    }))
  )
  const runs =
    report.runs.length === 0
      ? "<p>No runs recorded yet.</p>"
      : htmlTable(
          [
            { label: "run", numeric: true },
            { label: "connection" },
            { label: "status" },
            { label: "trigger" },
            { label: "started", kind: "date" as const },
            { label: "took", numeric: true },
            { label: "API calls", numeric: true },
            { label: "retries", numeric: true },
            { label: "429s", numeric: true },
            { label: "quarantined", numeric: true },
            { label: "expected/stored" },
            { label: "error" }
          ],
          report.runs.map((row) => ({
            cells: [
              htmlText(row.runId),
              htmlText(row.connection),
              htmlText(row.status),
              htmlText(row.trigger),
              htmlText(minute(row.startedAt)),
              htmlText(duration(row.durationSeconds)),
              htmlText(row.apiCalls),
              htmlText(row.retries),
              htmlText(row.rateLimited),
              htmlText(row.quarantined),
              htmlText(
                [expectedVsStored(row.reconciliation), keptText(row.reconciliation)]
                  .filter((part) => part !== "")
                  .join(" — kept: ")
              ),
              row.errorTag === null ? "" : htmlText(`${row.errorTag}: ${row.errorMessage ?? ""}`)
            ]
          }))
        )
  return `<h2>Connections and runs</h2>${health}<h3>Recent runs</h3>${runs}`
}

/** The registry's entry. */
export const runs = Report.make({
  kind: "runs",
  summary: {
    short: "connection health and run history",
    long: "each connection's health — paused, why, failures in a row — and the recent runs"
  },
  examples: ["seatsync report runs --format json | jq '.connections[] | select(.paused)'"],
  document: RunsReport,
  load: loadRuns,
  table: runsTable,
  csv: runsCsv,
  htmlSection: runsSection
})

/**
 * The reclaim report: the billable seats whose holder was inactive for the threshold or never active, with the
 * evidence — its document, how it is loaded and how it reads as a table, CSV, JSON and an HTML section.
 */
import { Reports } from "@seatsync/store"
import { Effect, Schema } from "effect"
import { type Column, csvOf, timestamp } from "../Csv.js"
import { htmlTable, htmlText } from "../HtmlTable.js"
import * as Report from "../Report.js"
import type { Selection } from "../Selection.js"
import { renderTable } from "../Table.js"
import { day, minute, productLabel, thresholdNote } from "../ValueText.js"

export const ReclaimRow = Schema.Struct({
  connection: Schema.String,
  accountId: Schema.String,
  name: Schema.String,
  email: Schema.NullOr(Schema.String),
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  verdict: Schema.Literal("inactive", "never_active"),
  roles: Schema.Array(Schema.String),
  accountType: Schema.String,
  status: Schema.NullOr(Schema.String),
  /** Null when Atlassian did not say whether the account is managed. */
  managed: Schema.NullOr(Schema.Boolean),
  /** Null: never active (the evidence says so). */
  lastActiveAt: Schema.NullOr(Schema.Date),
  daysSinceActive: Schema.NullOr(Schema.Int),
  /** Where the last-active date came from: `bulk_expand`, `per_user` or `v1_managed`. */
  activitySource: Schema.NullOr(Schema.String),
  activityObservedAt: Schema.NullOr(Schema.Date),
  addedToOrg: Schema.NullOr(Schema.Date),
  daysSinceAdded: Schema.NullOr(Schema.Int),
  inactiveAfterDays: Schema.Int
}).annotations({
  identifier: "ReclaimRow",
  description: "A billable seat whose holder is inactive or never active, with the evidence."
})
export type ReclaimRow = typeof ReclaimRow.Type

/** The `--format json` document. */
export const ReclaimReport = Schema.Struct({
  report: Schema.Literal("reclaim"),
  generatedAt: Schema.Date,
  candidates: Schema.Array(ReclaimRow)
}).annotations({
  identifier: "ReclaimReport",
  title: "seatsync reclaim report",
  description: "Billable seats to reclaim, never-active first, then the longest idle."
})
export type ReclaimReport = typeof ReclaimReport.Type

/** Each connection's candidates at its own threshold, unless `--inactive-after-days` overrides them all. */
export const loadReclaim = (selection: Selection) =>
  Effect.gen(function* () {
    const candidates = yield* Effect.forEach(selection.connections, (connection) => {
      const inactiveAfterDays = selection.inactiveAfterDays ?? connection.inactiveAfterDays
      return Reports.reclaimCandidates(connection.id, {
        inactiveAfterDays,
        asOf: selection.generatedAt
      }).pipe(
        Effect.map((rows) =>
          rows.map(
            (row): ReclaimRow => ({
              connection: connection.name,
              accountId: row.accountId,
              name: row.name,
              email: row.email,
              productId: row.productId,
              productKey: row.productKey,
              productName: row.productName,
              verdict: row.verdict,
              roles: row.roles,
              accountType: row.accountType,
              status: row.status,
              managed: row.managed,
              lastActiveAt: row.lastActiveAt,
              daysSinceActive: row.daysSinceActive,
              activitySource: row.activitySource,
              activityObservedAt: row.activityObservedAt,
              addedToOrg: row.addedToOrg,
              daysSinceAdded: row.daysSinceAdded,
              inactiveAfterDays
            })
          )
        )
      )
    })
    return {
      report: "reclaim",
      generatedAt: selection.generatedAt,
      candidates: candidates.flat()
    } satisfies ReclaimReport
  })

const verdictLabel = (verdict: ReclaimRow["verdict"]): string =>
  verdict === "never_active" ? "never active" : "inactive"

/** "managed", "unmanaged" or "unknown": whether the organisation manages the account. */
const managedLabel = (managed: boolean | null): string =>
  managed === null ? "unknown" : managed ? "managed" : "unmanaged"

const distinct = (values: ReadonlyArray<string>) => [...new Set(values)]

/** One line per seat: who, which product, the verdict and its evidence; a count per product above. */
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
    thresholdNote(report.candidates),
    "account ids, roles, managed or not, when observed: --format csv, json or html"
  ].join("\n")
}

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
export const reclaimCsv = (report: ReclaimReport): string => csvOf(reclaimColumns, report.candidates)

/** The list with every piece of evidence: account id, dates, source, roles, account type and state. */
export const reclaimSection = (report: ReclaimReport): string => {
  const heading = `<h2>Seats to reclaim <span class="muted">(${report.candidates.length})</span></h2>`
  if (report.candidates.length === 0) return `${heading}<p>None: every billable seat is in use.</p>`
  return (
    heading +
    `<p class="muted">Billable seats whose holder was inactive for the threshold or never active, never-active first, then the longest idle. The evidence: the last-active date, where it came from and when seatsync observed it.</p>` +
    htmlTable(
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
          htmlText(row.connection),
          `<code>${htmlText(row.accountId)}</code>`,
          htmlText(row.name),
          htmlText(row.email),
          htmlText(productLabel(row)),
          `<span class="badge bad">${htmlText(verdictLabel(row.verdict))}</span>`,
          row.lastActiveAt === null ? "never" : htmlText(day(row.lastActiveAt)),
          htmlText(row.daysSinceActive),
          htmlText(row.activitySource),
          row.activityObservedAt === null ? "–" : htmlText(day(row.activityObservedAt)),
          htmlText(row.roles.join(", ")),
          htmlText(
            `${row.accountType}, ${managedLabel(row.managed)}${row.status === null ? "" : `, ${row.status}`}`
          ),
          row.addedToOrg === null ? "–" : htmlText(day(row.addedToOrg))
        ]
      }))
    )
  )
}

/** The registry's entry. */
export const reclaim = Report.make({
  kind: "reclaim",
  summary: {
    short: "the seats to reclaim, with evidence",
    long: "the seats to reclaim with their evidence"
  },
  examples: ["seatsync report reclaim acme --format csv --out reclaim.csv"],
  document: ReclaimReport,
  load: loadReclaim,
  table: reclaimTable,
  csv: reclaimCsv,
  htmlSection: reclaimSection
})

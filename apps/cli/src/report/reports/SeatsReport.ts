/**
 * The seats report: per connection × product, purchased, assigned, billable, active in 30/60/90 days, never
 * active, reclaimable and utilisation now, and the seat ledger day by day — its document, how it is loaded
 * and how it reads as a table, CSV, JSON and an HTML section with charts.
 */
import { Reports } from "@seatsync/store"
import { Effect, Schema } from "effect"
import { type Column, csvOf } from "../Csv.js"
import { htmlTable, htmlText } from "../HtmlTable.js"
import * as Report from "../Report.js"
import { connectionIdOf, type Selection } from "../Selection.js"
import { barChart, lineChart, type Series } from "../Svg.js"
import { renderTable } from "../Table.js"
import { count, minute, percent, productLabel, thresholdNote } from "../ValueText.js"

const Count = Schema.NonNegativeInt

/** Which product of which connection a seat row counts. */
const productFields = {
  connection: Schema.String,
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String
}

/** The seat counts shared by the current view and the ledger. */
const seatCountFields = {
  assigned: Count,
  billable: Count,
  active30: Count,
  active60: Count,
  active90: Count,
  neverActive: Count,
  reclaimable: Count
}

export const SeatRow = Schema.Struct({
  ...productFields,
  plan: Schema.NullOr(Schema.String),
  /** The inactivity threshold `reclaimable` used: the connection's own or `--inactive-after-days`. */
  inactiveAfterDays: Schema.Int,
  /** Purchased seats; null when Atlassian does not say. */
  capacity: Schema.NullOr(Count),
  ...seatCountFields,
  /** billable ÷ capacity (1 = every purchased seat billed); null when the capacity is unknown. */
  utilisation: Schema.NullOr(Schema.Number)
}).annotations({ identifier: "SeatRow", description: "Seat counts of one product of one connection, now." })
export type SeatRow = typeof SeatRow.Type

export const LedgerDay = Schema.Struct({
  ...productFields,
  day: Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/)),
  capacity: Schema.NullOr(Count),
  ...seatCountFields
}).annotations({
  identifier: "LedgerDay",
  description: "The seat ledger: one product's counts on one UTC day (the day's last run)."
})
export type LedgerDay = typeof LedgerDay.Type

/** The `--format json` document. */
export const SeatsReport = Schema.Struct({
  report: Schema.Literal("seats"),
  generatedAt: Schema.Date,
  seats: Schema.Array(SeatRow),
  ledger: Schema.Array(LedgerDay)
}).annotations({
  identifier: "SeatsReport",
  title: "seatsync seats report",
  description:
    "Purchased, assigned, billable, active and reclaimable seats per connection and product, now and day by day."
})
export type SeatsReport = typeof SeatsReport.Type

/** The fields a seat row and a ledger day share, from either store row. */
type SeatCounts = Omit<LedgerDay, "connection" | "productId" | "productKey" | "productName" | "day">
type ProductOf = Pick<LedgerDay, "productId" | "productKey" | "productName">

const productOf = (row: ProductOf & { readonly connectionName: string }) => ({
  connection: row.connectionName,
  productId: row.productId,
  productKey: row.productKey,
  productName: row.productName
})

const countsOf = (row: SeatCounts): SeatCounts => ({
  capacity: row.capacity,
  assigned: row.assigned,
  billable: row.billable,
  active30: row.active30,
  active60: row.active60,
  active90: row.active90,
  neverActive: row.neverActive,
  reclaimable: row.reclaimable
})

/** The counts as of the report's moment and every ledger day. */
export const loadSeats = (selection: Selection) =>
  Effect.gen(function* () {
    const connectionId = connectionIdOf(selection)
    // As of the report's moment, like the reclaim list, so that the two always agree.
    const utilisation = yield* Reports.seatUtilisation(connectionId, {
      asOf: selection.generatedAt,
      ...(selection.inactiveAfterDays === undefined ? {} : { inactiveAfterDays: selection.inactiveAfterDays })
    })
    const ledger = yield* Reports.seatLedger(connectionId)
    return {
      report: "seats",
      generatedAt: selection.generatedAt,
      seats: utilisation.map(
        (row): SeatRow => ({
          ...productOf(row),
          plan: row.plan,
          inactiveAfterDays: row.inactiveAfterDays,
          ...countsOf(row),
          utilisation: row.utilisation
        })
      ),
      ledger: ledger.map(
        (row): LedgerDay => ({
          ...productOf(row),
          day: row.day,
          ...countsOf(row)
        })
      )
    } satisfies SeatsReport
  })

const distinct = (values: ReadonlyArray<string>) => [...new Set(values)]

/** One line per connection × product, then the reclaimable rule and the ledger's extent. */
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
    thresholdNote(report.seats),
    history
  ].join("\n")
}

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
export const seatsCsv = (report: SeatsReport): string => csvOf(seatsColumns, report.seats)

/** The series of both charts, named as the legend shows them. */
export const chartSeries = {
  purchased: { name: "Purchased", colour: "#6e7781" },
  assigned: { name: "Assigned", colour: "#1f6feb" },
  active: { name: "Active (30 days)", colour: "#2da44e" },
  reclaimable: { name: "Reclaimable", colour: "#cf222e" }
} as const satisfies Record<string, Series>

/** Per product a bar chart of its seats now and a line chart of its ledger days. */
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
    `<h3>${htmlText(productLabel(seat))} <span class="muted">${htmlText(seat.connection)} · plan ${htmlText(seat.plan)}</span></h3>` +
    `<p>Purchased ${htmlText(count(seat.capacity))}, assigned ${seat.assigned}, billable ${seat.billable}, active in 30/60/90 days ${seat.active30}/${seat.active60}/${seat.active90}, never active ${seat.neverActive}, reclaimable ${seat.reclaimable} (inactive after ${seat.inactiveAfterDays} days); utilisation ${htmlText(percent(seat.utilisation))}.</p>` +
    `<div class="charts">${now}${overTime}</div>`
  )
}

/** The counts per product, then per product its charts: seats now and the ledger over time. */
export const seatsSection = (report: SeatsReport): string => {
  if (report.seats.length === 0) return `<h2>Seats</h2><p>No products synced yet.</p>`
  const summary = htmlTable(
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
        htmlText(row.connection),
        htmlText(productLabel(row)),
        htmlText(count(row.capacity)),
        htmlText(row.assigned),
        htmlText(row.billable),
        htmlText(row.active30),
        htmlText(row.active60),
        htmlText(row.active90),
        htmlText(row.neverActive),
        htmlText(row.reclaimable),
        htmlText(percent(row.utilisation))
      ]
    }))
  )
  return `<h2>Seats</h2>${summary}${report.seats.map((seat) => productCharts(seat, report.ledger)).join("")}`
}

/** The registry's entry. */
export const seats = Report.make({
  kind: "seats",
  summary: {
    short: "per product: purchased, assigned, billable, active, reclaimable",
    long: "per connection and product: purchased, assigned, billable, active in 30/60/90 days, never active, reclaimable, utilisation"
  },
  examples: ["seatsync report seats --demo", "seatsync report seats acme --inactive-after-days 60"],
  document: SeatsReport,
  load: loadSeats,
  table: seatsTable,
  csv: seatsCsv,
  htmlSection: seatsSection
})

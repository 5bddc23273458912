/**
 * The seats report: per connection × product, purchased, assigned, billable, active in 30/60/90 days, never
 * active, reclaimable and utilisation now, what they cost per month at the price in force, and the seat
 * ledger day by day with each day's cost at that day's price — its document, how it is loaded and how it
 * reads as a table, CSV, JSON and an HTML section with charts. An unpriced product's cost is unknown (null),
 * never 0.
 */
import { GuardSeats, Prices, Reports, Spend } from "@seatsync/store"
import { Effect, Schema } from "effect"
import { type Column, csvOf } from "../Csv.js"
import { htmlTable, htmlText } from "../HtmlTable.js"
import {
  Amount,
  money,
  type PriceBook,
  PriceTerms,
  priceBook,
  priceIn,
  rounded,
  termsLabel,
  termsOf
} from "../Money.js"
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

/** What seats cost over a period (a month now, a day in the ledger), in the price's currency. */
export const SeatCost = Schema.Struct({
  currency: Schema.String,
  /** The purchased seats; null when the capacity is unknown. */
  purchased: Schema.NullOr(Amount),
  assigned: Amount,
  billable: Amount,
  /** The reclaimable seats: billable, and inactive for the threshold or never active. */
  idle: Amount
}).annotations({ identifier: "SeatCost", description: "The cost of a product's seats, by kind of seat." })
export type SeatCost = typeof SeatCost.Type

export const SeatRow = Schema.Struct({
  ...productFields,
  plan: Schema.NullOr(Schema.String),
  /** The inactivity threshold `reclaimable` used: the connection's own or `--inactive-after-days`. */
  inactiveAfterDays: Schema.Int,
  /** Purchased seats; null when Atlassian does not say. */
  capacity: Schema.NullOr(Count),
  ...seatCountFields,
  /** billable ÷ capacity (1 = every purchased seat billed); null when the capacity is unknown. */
  utilisation: Schema.NullOr(Schema.Number),
  /** The price in force on the report's day; null when none is set (the cost is unknown). */
  price: Schema.NullOr(PriceTerms),
  /** The seats' cost per month (an annual price ÷ 12); null when the price is unknown. */
  monthlyCost: Schema.NullOr(SeatCost)
}).annotations({
  identifier: "SeatRow",
  description: "Seat counts of one product of one connection, now, and their monthly cost."
})
export type SeatRow = typeof SeatRow.Type

export const LedgerDay = Schema.Struct({
  ...productFields,
  day: Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/)),
  capacity: Schema.NullOr(Count),
  ...seatCountFields,
  /** The day's cost (a year's cost ÷ 365) at the price in force that day; null when none was. */
  dailyCost: Schema.NullOr(SeatCost)
}).annotations({
  identifier: "LedgerDay",
  description:
    "The seat ledger: one product's counts on one UTC day (the day's last run), and that day's cost."
})

/** The monthly cost of every priced product in one currency. */
export const CostTotal = Schema.Struct({
  currency: Schema.String,
  /** How many products (of all connections) are priced in this currency. */
  products: Count,
  /** Null when a product priced in this currency has an unknown capacity. */
  purchased: Schema.NullOr(Amount),
  assigned: Amount,
  billable: Amount,
  idle: Amount
}).annotations({ identifier: "CostTotal", description: "Monthly cost of the priced products, per currency." })
export type CostTotal = typeof CostTotal.Type
export type LedgerDay = typeof LedgerDay.Type

/** The `--format json` document. */
export const SeatsReport = Schema.Struct({
  report: Schema.Literal("seats"),
  generatedAt: Schema.Date,
  seats: Schema.Array(SeatRow),
  ledger: Schema.Array(LedgerDay),
  /** The monthly cost of the priced products, per currency (amounts in different currencies are never added). */
  monthlyCostTotals: Schema.Array(CostTotal),
  /** Products without a price: their cost is unknown and in no total. */
  unpricedProducts: Count
}).annotations({
  identifier: "SeatsReport",
  title: "seatsync seats report",
  description:
    "Purchased, assigned, billable, active and reclaimable seats per connection and product, now and day by day."
})
export type SeatsReport = typeof SeatsReport.Type

/** The fields a seat row and a ledger day share, from either store row. */
type SeatCounts = Omit<
  LedgerDay,
  "connection" | "productId" | "productKey" | "productName" | "day" | "dailyCost"
>
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

/** The cost of `counts` seats at `perSeat` each (a month's or a day's price of one seat), rounded to cents. */
const seatCost = (counts: SeatCounts, currency: string, perSeat: number): SeatCost => ({
  currency,
  purchased: rounded(Spend.costOf(counts.capacity, perSeat)),
  assigned: Spend.cents(counts.assigned * perSeat),
  billable: Spend.cents(counts.billable * perSeat),
  idle: Spend.cents(counts.reclaimable * perSeat)
})

/** The price of one product of one connection in force on `day`, and what its seats cost per month. */
const monthlyCostOf = (book: PriceBook, row: SeatRow, day: string) => {
  const price = priceIn(book, row.connection, row.productId, day)
  if (price === undefined) return { price: null, monthlyCost: null }
  return { price: termsOf(price), monthlyCost: seatCost(row, price.currency, Spend.monthlyPerSeat(price)) }
}

/** The monthly cost per currency of the priced rows, summed before rounding. */
export const costTotals = (rows: ReadonlyArray<SeatRow>): ReadonlyArray<CostTotal> => {
  const currencies = [
    ...new Set(rows.flatMap((row) => (row.price === null ? [] : [row.price.currency])))
  ].sort()
  return currencies.map((currency) => {
    const priced = rows.flatMap((row) =>
      row.price?.currency === currency ? [{ row, perSeat: Spend.monthlyPerSeat(row.price) }] : []
    )
    const sum = (count: (row: SeatRow) => number) =>
      Spend.cents(priced.reduce((total, { row, perSeat }) => total + count(row) * perSeat, 0))
    return {
      currency,
      products: priced.length,
      purchased: priced.some(({ row }) => row.capacity === null) ? null : sum((row) => row.capacity ?? 0),
      assigned: sum((row) => row.assigned),
      billable: sum((row) => row.billable),
      idle: sum((row) => row.reclaimable)
    }
  })
}

/** The counts as of the report's moment and every ledger day, priced at the prices in force. */
export const loadSeats = (selection: Selection) =>
  Effect.gen(function* () {
    const connectionId = connectionIdOf(selection)
    const book = priceBook(
      yield* Effect.forEach(selection.connections, (connection) =>
        Effect.map(Prices.history(connection.id), (history) => ({ connection: connection.name, history }))
      )
    )
    const today = selection.generatedAt.toISOString().slice(0, 10)
    // As of the report's moment, like the reclaim list, so that the two always agree.
    const utilisation = yield* Reports.seatUtilisation(connectionId, {
      asOf: selection.generatedAt,
      ...(selection.inactiveAfterDays === undefined ? {} : { inactiveAfterDays: selection.inactiveAfterDays })
    })
    const ledger = yield* Reports.seatLedger(connectionId)
    const seats = utilisation.map((row): SeatRow => {
      const seat = {
        ...productOf(row),
        plan: row.plan,
        inactiveAfterDays: row.inactiveAfterDays,
        ...countsOf(row),
        utilisation: row.utilisation,
        price: null,
        monthlyCost: null
      }
      return { ...seat, ...monthlyCostOf(book, seat, today) }
    })
    return {
      report: "seats",
      generatedAt: selection.generatedAt,
      seats,
      ledger: ledger.map((row): LedgerDay => {
        const price = priceIn(book, row.connectionName, row.productId, row.day)
        return {
          ...productOf(row),
          day: row.day,
          ...countsOf(row),
          dailyCost: price === undefined ? null : seatCost(row, price.currency, Spend.dailyPerSeat(price))
        }
      }),
      monthlyCostTotals: costTotals(seats),
      unpricedProducts: seats.filter((row) => row.price === null).length
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
      // Guard seats have no last-active date: their activity columns are not known, not zero.
      ...[row.active30, row.active60, row.active90, row.neverActive].map((n) =>
        row.productId === GuardSeats.productId ? "–" : String(n)
      ),
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
    ...(report.seats.some((row) => row.productId === GuardSeats.productId)
      ? [
          "atlassian-guard: the managed accounts Atlassian Guard bills (access_billable); no activity, never reclaimable"
        ]
      : []),
    history,
    "",
    costTable(report)
  ].join("\n")
}

/** `7.75 USD/mo`, `86.00 EUR/yr`: a price in a table cell. */
const shortTerms = (row: SeatRow): string =>
  row.price === null
    ? "unknown"
    : `${money(row.price.pricePerSeat, row.price.currency)}/${row.price.billingPeriod === "monthly" ? "mo" : "yr"}`

/** `1,234.50`: an amount in a column whose currency the price column names. */
const amount = (value: number | null, known: boolean): string =>
  known && value !== null ? money(value, "").trimEnd() : known ? "–" : "unknown"

/** The monthly cost per product at the price in force, the totals per currency, and what is unpriced. */
const costTable = (report: SeatsReport): string => {
  const several = distinct(report.seats.map((row) => row.connection)).length > 1
  const day = report.generatedAt.toISOString().slice(0, 10)
  const table = renderTable(
    [
      ...(several ? [{ header: "connection", maxWidth: 16 }] : []),
      { header: "product", maxWidth: 36 },
      { header: "price / seat" },
      { header: "purchased", align: "right" as const },
      { header: "assigned", align: "right" as const },
      { header: "billable", align: "right" as const },
      { header: "idle", align: "right" as const }
    ],
    [
      ...report.seats.map((row) => [
        ...(several ? [row.connection] : []),
        productLabel(row),
        shortTerms(row),
        amount(row.monthlyCost?.purchased ?? null, row.monthlyCost !== null),
        amount(row.monthlyCost?.assigned ?? null, row.monthlyCost !== null),
        amount(row.monthlyCost?.billable ?? null, row.monthlyCost !== null),
        amount(row.monthlyCost?.idle ?? null, row.monthlyCost !== null)
      ]),
      ...report.monthlyCostTotals.map((total) => [
        ...(several ? [""] : []),
        `total (${total.products} product${total.products === 1 ? "" : "s"})`,
        total.currency,
        amount(total.purchased, true),
        amount(total.assigned, true),
        amount(total.billable, true),
        amount(total.idle, true)
      ])
    ]
  )
  return [
    `Cost per month at the prices in force on ${day} (idle = reclaimable seats; an annual price counts ÷ 12)`,
    "",
    table,
    "",
    report.unpricedProducts === 0
      ? "every product has a price"
      : `${report.unpricedProducts} product${report.unpricedProducts === 1 ? " has" : "s have"} no price: cost unknown, in no total (set one with \`seatsync prices set\` or \`prices import\`)`
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
  ["utilisation", (row) => row.utilisation],
  ["currency", (row) => row.price?.currency ?? null],
  ["billing_period", (row) => row.price?.billingPeriod ?? null],
  ["price_per_seat", (row) => row.price?.pricePerSeat ?? null],
  ["renewal_date", (row) => row.price?.renewalDate ?? null],
  ["monthly_cost_purchased", (row) => row.monthlyCost?.purchased ?? null],
  ["monthly_cost_assigned", (row) => row.monthlyCost?.assigned ?? null],
  ["monthly_cost_billable", (row) => row.monthlyCost?.billable ?? null],
  ["monthly_cost_idle", (row) => row.monthlyCost?.idle ?? null]
]

/**
 * One row per connection × product, with its price and monthly cost (empty where the price is unknown); the
 * seat ledger's history and its daily cost are in the json and html formats.
 */
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

/** The monthly cost per product and per currency; unpriced products say so. */
const costSection = (report: SeatsReport): string => {
  const cost = (row: SeatRow, value: number | null | undefined) =>
    row.monthlyCost === null
      ? `<span class="muted">unknown</span>`
      : htmlText(money(value ?? null, row.monthlyCost.currency))
  const table = htmlTable(
    [
      { label: "connection" },
      { label: "product" },
      { label: "price per seat" },
      { label: "purchased", numeric: true },
      { label: "assigned", numeric: true },
      { label: "billable", numeric: true },
      { label: "idle", numeric: true }
    ],
    [
      ...report.seats.map((row) => ({
        cells: [
          htmlText(row.connection),
          htmlText(productLabel(row)),
          htmlText(termsLabel(row.price)),
          row.monthlyCost !== null && row.monthlyCost.purchased === null
            ? "–"
            : cost(row, row.monthlyCost?.purchased),
          cost(row, row.monthlyCost?.assigned),
          cost(row, row.monthlyCost?.billable),
          cost(row, row.monthlyCost?.idle)
        ]
      })),
      ...report.monthlyCostTotals.map((total) => ({
        className: "total",
        footer: true,
        cells: [
          "",
          htmlText(`total, ${total.products} product${total.products === 1 ? "" : "s"}`),
          htmlText(total.currency),
          htmlText(total.purchased === null ? "–" : money(total.purchased, total.currency)),
          htmlText(money(total.assigned, total.currency)),
          htmlText(money(total.billable, total.currency)),
          htmlText(money(total.idle, total.currency))
        ]
      }))
    ]
  )
  const unpriced =
    report.unpricedProducts === 0
      ? ""
      : `<p class="muted">${report.unpricedProducts} product${report.unpricedProducts === 1 ? " has" : "s have"} no price: their cost is unknown and in no total.</p>`
  return `<h3>Cost per month</h3><p class="muted">At the prices in force on ${htmlText(report.generatedAt.toISOString().slice(0, 10))}; an annual price counts ÷ 12; idle = reclaimable seats.</p>${table}${unpriced}`
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
  return `<h2>Seats</h2>${summary}${costSection(report)}${report.seats.map((seat) => productCharts(seat, report.ledger)).join("")}`
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

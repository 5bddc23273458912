/**
 * The reclaim report: the billable seats to reclaim, each with its reason (inactive for the threshold, never
 * active, a suspended or closed account still holding a billable role, a second account of the same person)
 * and the evidence, protected accounts left out and counted, and what reclaiming them would save — per seat,
 * per product, in total and by the month the saving lands (a monthly plan at once, an annual plan at its next
 * renewal) — its document, how it is loaded and how it reads as a table, CSV, JSON and an HTML section. A
 * seat of an unpriced product saves an unknown amount (null), never 0; a seat the ledger does not bill (its
 * user suspended or deactivated: Atlassian bills no suspended user) is listed for cleanup but saves 0 and is
 * in no total, so a product's saving never exceeds its billable cost.
 */
import { ActivityFrequency, Prices, ReclaimReasons, Spend } from "@seatsync/store"
import { Effect, Schema } from "effect"
import { type Column, cellsOf, headerOf, renderCsv, timestamp } from "../Csv.js"
import { type Facet, htmlTable, htmlText } from "../HtmlTable.js"
import { Amount, money, priceBook, priceIn, sumsByCurrency } from "../Money.js"
import { loadRealised, outcomeCsvCells, Realised, realisedSection, realisedText } from "../RealisedSavings.js"
import * as Report from "../Report.js"
import type { Selection } from "../Selection.js"
import { renderTable } from "../Table.js"
import { day, minute, productLabel, thresholdNote } from "../ValueText.js"

const Day = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/))
const Month = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}$/))
const Count = Schema.NonNegativeInt

/** What reclaiming one seat saves, and from when. */
export const Saving = Schema.Struct({
  currency: Schema.String,
  billingPeriod: Schema.Literal("monthly", "annual"),
  /** Per month: the monthly price, or the annual price ÷ 12. */
  monthly: Amount,
  /** Per year: 12 × the monthly saving. */
  annual: Amount,
  /** The first day it saves: the report's day for a monthly plan, the next renewal for an annual plan. */
  from: Day,
  /** The month the saving lands, `YYYY-MM` (`from`'s month). */
  month: Month
}).annotations({ identifier: "Saving", description: "What reclaiming one seat saves, and from when." })
export type Saving = typeof Saving.Type

export const ReclaimRow = Schema.Struct({
  connection: Schema.String,
  accountId: Schema.String,
  name: Schema.String,
  email: Schema.NullOr(Schema.String),
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  /**
   * Why the seat is a candidate: `inactive`, `never-active`, `suspended-billable` or `closed-billable` (an
   * account that is not active still holding a billable role), `duplicate-person` (a second account of the
   * same person holding the product). A seat may be listed once per reason.
   */
  reason: ReclaimReasons.Reason,
  /** The inactivity verdict on the seat, whatever the reason (`inactive` or `never_active` for those reasons). */
  verdict: ReclaimReasons.SeatVerdict,
  /**
   * Whether the seat is billed now, as the seat ledger counts it: false when the user is suspended or
   * deactivated (Atlassian bills no suspended user). Such a seat is listed for cleanup — a restore would bill
   * it again — but reclaiming it saves 0 (`saving` amounts 0) and it is in no savings total.
   */
  billed: Schema.Boolean,
  roles: Schema.Array(Schema.String),
  accountType: Schema.String,
  status: Schema.NullOr(Schema.String),
  /** The Atlassian account's own status: `active`, `inactive` (deactivated) or `closed`. */
  accountStatus: Schema.NullOr(Schema.String),
  /** The membership of the organisation: `active`, `suspended` or `no_membership`. */
  membershipStatus: Schema.NullOr(Schema.String),
  /** `duplicate-person`: the rules that matched (empty for other reasons). */
  duplicateRules: Schema.Array(ReclaimReasons.DuplicateRule),
  /** `duplicate-person`: the person's other account(s) holding the same product, one of which keeps its seat. */
  otherAccountIds: Schema.Array(Schema.String),
  /** Null when Atlassian did not say whether the account is managed. */
  managed: Schema.NullOr(Schema.Boolean),
  /** Null: never active (the evidence says so). */
  lastActiveAt: Schema.NullOr(Schema.Date),
  daysSinceActive: Schema.NullOr(Schema.Int),
  /**
   * How often, not only when last: the distinct days in the 90 before the report on which the last-active
   * date seatsync observed moved (a lower bound of the days active). Null: no activity data.
   */
  activeDays90: Schema.NullOr(Count),
  /** Where the last-active date came from: `bulk_expand`, `per_user` or `v1_managed`. */
  activitySource: Schema.NullOr(Schema.String),
  activityObservedAt: Schema.NullOr(Schema.Date),
  addedToOrg: Schema.NullOr(Schema.Date),
  daysSinceAdded: Schema.NullOr(Schema.Int),
  inactiveAfterDays: Schema.Int,
  /** Null when the product has no price: the saving is unknown. Amounts 0 when the seat is not billed. */
  saving: Schema.NullOr(Saving)
}).annotations({
  identifier: "ReclaimRow",
  description:
    "A billable seat to reclaim and why (inactive, never active, a suspended or closed account, a duplicate person), with the evidence."
})
export type ReclaimRow = typeof ReclaimRow.Type

/** What reclaiming every candidate of one product saves. */
export const ProductSaving = Schema.Struct({
  connection: Schema.String,
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  seats: Count,
  /** Null (and the amounts too) when the product has no price. */
  currency: Schema.NullOr(Schema.String),
  billingPeriod: Schema.NullOr(Schema.Literal("monthly", "annual")),
  monthly: Schema.NullOr(Amount),
  annual: Schema.NullOr(Amount),
  from: Schema.NullOr(Day),
  month: Schema.NullOr(Month)
}).annotations({ identifier: "ProductSaving", description: "The saving of one product's candidates." })
export type ProductSaving = typeof ProductSaving.Type

/** The savings of the priced seats in one currency, in total or landing in one month. */
export const SavingTotal = Schema.Struct({
  /** `YYYY-MM` in `byMonth`; absent in `totals`. */
  month: Schema.optional(Month),
  currency: Schema.String,
  seats: Count,
  monthly: Amount,
  annual: Amount
}).annotations({ identifier: "SavingTotal", description: "Savings of the priced seats in one currency." })
export type SavingTotal = typeof SavingTotal.Type

export const Savings = Schema.Struct({
  byProduct: Schema.Array(ProductSaving),
  /** Per currency (amounts in different currencies are never added). */
  totals: Schema.Array(SavingTotal),
  /** Per month the savings land and currency, earliest first. */
  byMonth: Schema.Array(SavingTotal),
  /** Billed candidates whose product has no price: their saving is unknown and in no total. */
  unpricedSeats: Count,
  /** Candidates not billed (user suspended or deactivated): listed for cleanup, saving 0, in no total. */
  unbilledSeats: Count
}).annotations({ identifier: "Savings", description: "What reclaiming the candidates saves, and when." })
export type Savings = typeof Savings.Type

/** The `--format json` document. */
export const ReclaimReport = Schema.Struct({
  report: Schema.Literal("reclaim"),
  generatedAt: Schema.Date,
  candidates: Schema.Array(ReclaimRow),
  /** Each seat once, whatever the number of reasons it is listed under. */
  savings: Savings,
  /** Candidate rows left out because their account is protected (itself or as a member of a protected group). */
  protectedCandidates: Count,
  /** The distinct protected accounts among them. */
  protectedAccounts: Count,
  /** Candidates whose seat was taken away: savings realised, and seats re-granted within 30 days. */
  realised: Realised
}).annotations({
  identifier: "ReclaimReport",
  title: "seatsync reclaim report",
  description: "Billable seats to reclaim, never-active first, then the longest idle."
})
export type ReclaimReport = typeof ReclaimReport.Type

/** What reclaiming one seat priced by `price` on `day` saves: nothing when the seat is not billed. */
const savingOf = (price: Prices.Price, day: string, billed: boolean): Saving => {
  const from = Spend.savingFrom(price, day)
  return {
    currency: price.currency,
    billingPeriod: price.billingPeriod,
    monthly: billed ? Spend.cents(Spend.monthlyPerSeat(price)) : 0,
    annual: billed ? Spend.cents(Spend.annualPerSeat(price)) : 0,
    from,
    month: from.slice(0, 7)
  }
}

/**
 * The savings per product, in total and by month of realisation, of the billed candidates (each seat once);
 * `monthlyPerSeat` is the unrounded monthly price of a candidate's seat (undefined: unpriced), so that sums
 * are rounded once. Seats not billed save nothing: they are only counted.
 */
export const savingsOf = (
  seats: ReadonlyArray<ReclaimRow>,
  monthlyPerSeat: (row: ReclaimRow) => number | undefined
): Savings => {
  const candidates = seats.filter((row) => row.billed)
  const products = new Map<string, Array<ReclaimRow>>()
  for (const row of candidates) {
    const key = `${row.connection}\u0000${row.productId}`
    products.set(key, [...(products.get(key) ?? []), row])
  }
  const byProduct = [...products.values()].map((rows): ProductSaving => {
    const [first] = rows as [ReclaimRow, ...Array<ReclaimRow>]
    const perSeat = monthlyPerSeat(first)
    const saving = first.saving
    return {
      connection: first.connection,
      productId: first.productId,
      productKey: first.productKey,
      productName: first.productName,
      seats: rows.length,
      currency: saving?.currency ?? null,
      billingPeriod: saving?.billingPeriod ?? null,
      monthly: perSeat === undefined ? null : Spend.cents(rows.length * perSeat),
      annual: perSeat === undefined ? null : Spend.cents(rows.length * perSeat * 12),
      from: saving?.from ?? null,
      month: saving?.month ?? null
    }
  })
  const priced = candidates.flatMap((row) => {
    const monthly = monthlyPerSeat(row)
    return row.saving === null || monthly === undefined ? [] : [{ saving: row.saving, monthly }]
  })
  const byCurrency = priced.map(({ saving, monthly }) => ({ key: { currency: saving.currency }, monthly }))
  const byMonth = priced.map(({ saving, monthly }) => ({
    key: { month: saving.month, currency: saving.currency },
    monthly
  }))
  return {
    byProduct: byProduct.sort(
      (a, b) =>
        a.connection.localeCompare(b.connection) ||
        a.productKey.localeCompare(b.productKey) ||
        a.productId.localeCompare(b.productId)
    ),
    totals: sumsByCurrency(byCurrency),
    byMonth: sumsByCurrency(byMonth, (key) => `${key.month} ${key.currency}`),
    unpricedSeats: candidates.filter((row) => row.saving === null).length,
    unbilledSeats: seats.length - candidates.length
  }
}

/** Each seat (connection, account, product) once: the first of its rows, whatever its other reasons. */
const seatsOf = (rows: ReadonlyArray<ReclaimRow>): ReadonlyArray<ReclaimRow> => {
  const seen = new Set<string>()
  return rows.filter((row) => {
    const key = `${row.connection}\u0000${row.accountId}\u0000${row.productId}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * Each connection's candidates at its own threshold, unless `--inactive-after-days` overrides them all, each
 * with the saving at the price in force on the report's day.
 */
export const loadReclaim = (selection: Selection) =>
  Effect.gen(function* () {
    const book = priceBook(
      yield* Effect.forEach(selection.connections, (connection) =>
        Effect.map(Prices.history(connection.id), (history) => ({ connection: connection.name, history }))
      )
    )
    const today = selection.generatedAt.toISOString().slice(0, 10)
    const priceOf = (row: { readonly connection: string; readonly productId: string }) =>
      priceIn(book, row.connection, row.productId, today)
    const loaded = yield* Effect.forEach(selection.connections, (connection) =>
      ReclaimReasons.candidates(connection.id, {
        inactiveAfterDays: selection.inactiveAfterDays ?? connection.inactiveAfterDays,
        asOf: selection.generatedAt
      })
    )
    const candidates = selection.connections.map((connection, index) => {
      const inactiveAfterDays = selection.inactiveAfterDays ?? connection.inactiveAfterDays
      return (loaded[index]?.candidates ?? []).map(
        (row): ReclaimRow => ({
          connection: connection.name,
          accountId: row.accountId,
          name: row.name,
          email: row.email,
          productId: row.productId,
          productKey: row.productKey,
          productName: row.productName,
          reason: row.reason,
          verdict: row.verdict,
          billed: row.billed,
          roles: row.roles,
          accountType: row.accountType,
          status: row.status,
          accountStatus: row.accountStatus,
          membershipStatus: row.membershipStatus,
          duplicateRules: row.duplicateRules,
          otherAccountIds: row.otherAccountIds,
          managed: row.managed,
          lastActiveAt: row.lastActiveAt,
          daysSinceActive: row.daysSinceActive,
          activeDays90: null,
          activitySource: row.activitySource,
          activityObservedAt: row.activityObservedAt,
          addedToOrg: row.addedToOrg,
          daysSinceAdded: row.daysSinceAdded,
          inactiveAfterDays,
          saving: null
        })
      )
    })
    // How often each candidate was active on the product in the 90 days before the report.
    const activeDays = new Map<string, number>()
    for (const [index, connection] of selection.connections.entries()) {
      const counted = yield* ActivityFrequency.activeDays(connection.id, {
        accountIds: (candidates[index] ?? []).map((row) => row.accountId),
        asOf: selection.generatedAt
      })
      for (const found of counted) {
        activeDays.set(`${connection.name}\u0000${found.accountId}\u0000${found.productId}`, found.activeDays)
      }
    }
    const priced = candidates.flat().map((row): ReclaimRow => {
      const price = priceOf(row)
      const activeDays90 =
        activeDays.get(`${row.connection}\u0000${row.accountId}\u0000${row.productId}`) ?? null
      return {
        ...row,
        activeDays90,
        ...(price === undefined ? {} : { saving: savingOf(price, today, row.billed) })
      }
    })
    return {
      report: "reclaim",
      generatedAt: selection.generatedAt,
      candidates: priced,
      savings: savingsOf(seatsOf(priced), (row) => {
        const price = priceOf(row)
        return price === undefined ? undefined : Spend.monthlyPerSeat(price)
      }),
      protectedCandidates: loaded.reduce((sum, connection) => sum + connection.protectedRows, 0),
      protectedAccounts: loaded.reduce((sum, connection) => sum + connection.protectedAccounts, 0),
      realised: yield* loadRealised(selection.connections)
    } satisfies ReclaimReport
  })

/** How a reason reads: `never active`, `suspended, billable`, `duplicate person`, … */
const reasonLabel = (reason: ReclaimRow["reason"]): string =>
  reason === "suspended-billable" || reason === "closed-billable"
    ? `${reason.slice(0, reason.indexOf("-"))}, billable`
    : reason.replace("-", " ")

/** `not billed while suspended` (or deactivated, …): why a listed seat saves nothing. */
const notBilledLabel = (row: ReclaimRow): string =>
  `not billed while ${(row.status ?? "suspended").replace("_", " ")}`

/** The evidence of a duplicate person: the rule and the other account(s). */
const duplicateEvidence = (row: ReclaimRow): string =>
  row.otherAccountIds.length === 0
    ? ""
    : `${row.duplicateRules.map((rule) => rule.replaceAll("-", " ")).join(", ")}: also ${row.otherAccountIds.join(", ")}`

/** What protection left out, or "" when nothing. */
const protectedNote = (report: ReclaimReport): string =>
  report.protectedCandidates === 0
    ? ""
    : `${report.protectedCandidates} candidate${report.protectedCandidates === 1 ? "" : "s"} of ${report.protectedAccounts} protected account${report.protectedAccounts === 1 ? "" : "s"} left out (\`seatsync protect list <connection>\`)`

/** "managed", "unmanaged" or "unknown": whether the organisation manages the account. */
const managedLabel = (managed: boolean | null): string =>
  managed === null ? "unknown" : managed ? "managed" : "unmanaged"

const distinct = (values: ReadonlyArray<string>) => [...new Set(values)]

/** One line per seat: who, which product, the verdict and its evidence; a count per product above. */
export const reclaimTable = (report: ReclaimReport): string => {
  if (report.candidates.length === 0) {
    const note = protectedNote(report)
    return `No seats to reclaim as of ${minute(report.generatedAt)}: every billable seat is in use (or has no activity data yet).${note === "" ? "" : `\n${note}`}\n\n${realisedText(report.realised)}`
  }
  const several = distinct(report.candidates.map((row) => row.connection)).length > 1
  const table = renderTable(
    [
      ...(several ? [{ header: "connection", maxWidth: 16 }] : []),
      { header: "user", maxWidth: 38 },
      { header: "product", maxWidth: 28 },
      { header: "reason" },
      { header: "last active" },
      { header: "days", align: "right" as const },
      { header: "active days/90", align: "right" as const },
      { header: "evidence from" },
      // A seat not billed (user suspended or deactivated) is cleanup: it saves nothing.
      { header: "billed" }
    ],
    report.candidates.map((row) => [
      ...(several ? [row.connection] : []),
      row.email ?? row.name,
      productLabel(row),
      reasonLabel(row.reason),
      row.lastActiveAt === null ? "never" : day(row.lastActiveAt),
      row.daysSinceActive === null ? "–" : String(row.daysSinceActive),
      row.activeDays90 === null ? "–" : String(row.activeDays90),
      row.activitySource ?? "–",
      row.billed ? "yes" : notBilledLabel(row)
    ])
  )
  // Seats, not rows: a seat listed under several reasons counts once, as in the seat total.
  const byProduct = distinct(report.candidates.map((row) => row.productKey))
    .map((key) => `${key} ${seatsOf(report.candidates).filter((row) => row.productKey === key).length}`)
    .join(", ")
  const byReason = [...new Set(report.candidates.map((row) => row.reason))]
    .map(
      (reason) => `${reasonLabel(reason)} ${report.candidates.filter((row) => row.reason === reason).length}`
    )
    .join(", ")
  const seats = seatsOf(report.candidates).length
  const duplicates = report.candidates.filter((row) => row.reason === "duplicate-person")
  return [
    `${seats} seat${seats === 1 ? "" : "s"} to reclaim as of ${minute(report.generatedAt)} (${byProduct}); by reason: ${byReason}`,
    ...(seats === report.candidates.length
      ? []
      : [`${report.candidates.length} rows: a seat is listed once per reason`]),
    ...(report.protectedCandidates === 0 ? [] : [protectedNote(report)]),
    "",
    table,
    "",
    ...(duplicates.length === 0
      ? []
      : [
          "duplicate people (the other account keeps its seat):",
          ...duplicates.map(
            (row) => `  ${row.email ?? row.name} ${row.productKey}: ${duplicateEvidence(row)}`
          ),
          ""
        ]),
    thresholdNote(report.candidates),
    "account ids, roles, managed or not, when observed: --format csv, json or html",
    "",
    savingsText(report),
    "",
    realisedText(report.realised)
  ].join("\n")
}

/** `at once (monthly plan)` or `at renewal (annual plan)`. */
const whenLabel = (billingPeriod: "monthly" | "annual" | null): string =>
  billingPeriod === "monthly"
    ? "at once (monthly plan)"
    : billingPeriod === "annual"
      ? "at renewal (annual plan)"
      : ""

/** The savings per product, in total per currency and by the month they land. */
const savingsText = (report: ReclaimReport): string => {
  const { savings } = report
  const day = report.generatedAt.toISOString().slice(0, 10)
  const several = distinct(savings.byProduct.map((row) => row.connection)).length > 1
  const table = renderTable(
    [
      ...(several ? [{ header: "connection", maxWidth: 16 }] : []),
      { header: "product", maxWidth: 36 },
      { header: "seats", align: "right" as const },
      { header: "per month", align: "right" as const },
      { header: "per year", align: "right" as const },
      { header: "from" },
      { header: "when" }
    ],
    savings.byProduct.map((row) => [
      ...(several ? [row.connection] : []),
      productLabel(row),
      String(row.seats),
      money(row.monthly, row.currency),
      money(row.annual, row.currency),
      row.from ?? "–",
      row.currency === null ? "no price set" : whenLabel(row.billingPeriod)
    ])
  )
  const totals = savings.totals.map(
    (total) =>
      `total: ${money(total.monthly, total.currency)} per month, ${money(total.annual, total.currency)} per year (${total.seats} seat${total.seats === 1 ? "" : "s"})`
  )
  const byMonth = savings.byMonth.map(
    (month) =>
      `  ${month.month ?? ""}  ${money(month.monthly, month.currency)} per month from then (${month.seats} seat${month.seats === 1 ? "" : "s"})`
  )
  return [
    `Savings if reclaimed, at the prices in force on ${day}`,
    "",
    table,
    "",
    ...(totals.length === 0 ? ["total: unknown (no candidate's product has a price)"] : totals),
    ...(byMonth.length === 0 ? [] : ["by month the saving lands:", ...byMonth]),
    ...(savings.unpricedSeats === 0
      ? []
      : [
          `${savings.unpricedSeats} seat${savings.unpricedSeats === 1 ? "" : "s"} of unpriced products: saving unknown, in no total (\`seatsync prices set\`)`
        ]),
    ...(savings.unbilledSeats === 0 ? [] : [unbilledNote(savings.unbilledSeats)])
  ].join("\n")
}

/** What the seats not billed are, and why they save nothing. */
const unbilledNote = (seats: number): string =>
  `${seats} seat${seats === 1 ? "" : "s"} of suspended or deactivated users: not billed while suspended/deactivated, saving 0, in no total (cleanup: a restore would bill ${seats === 1 ? "it" : "them"} again)`

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
  ["currency", (row) => row.saving?.currency ?? null],
  ["billing_period", (row) => row.saving?.billingPeriod ?? null],
  ["monthly_saving", (row) => row.saving?.monthly ?? null],
  ["annual_saving", (row) => row.saving?.annual ?? null],
  ["saving_from", (row) => row.saving?.from ?? null],
  ["saving_month", (row) => row.saving?.month ?? null],
  ["inactive_after_days", (row) => row.inactiveAfterDays],
  ["active_days_90", (row) => row.activeDays90],
  ["reason", (row) => row.reason],
  ["account_status", (row) => row.accountStatus],
  ["membership_status", (row) => row.membershipStatus],
  ["duplicate_rules", (row) => row.duplicateRules.join(" ")],
  ["other_account_ids", (row) => row.otherAccountIds.join(" ")],
  // false: the seat is not billed (user suspended or deactivated); its saving is 0.
  ["billed", (row) => row.billed],
  // Rows of kind `realised` and `regranted` (after the candidates) fill these and the columns they share.
  ["kind", () => "candidate"],
  ["removed_on", () => null],
  ["came_back_on", () => null],
  ["came_back_via", () => null],
  ["came_back_groups", () => null],
  ["saving_until", () => null]
]

/**
 * One row per seat to reclaim (`kind` candidate), with its saving (empty when unpriced), then one per
 * candidate's seat taken away (`kind` realised or regranted); `roles` and lists are space-separated.
 */
export const reclaimCsv = (report: ReclaimReport): string => {
  const header = headerOf(reclaimColumns)
  return renderCsv(header, [
    ...report.candidates.map((row) => cellsOf(reclaimColumns, row)),
    ...report.realised.seats.map((seat) => {
      const cells = outcomeCsvCells(seat)
      return header.map((name) => cells[name] ?? null)
    })
  ])
}

/** What reclaiming saves per product, in total and by the month it lands. */
const savingsSection = (report: ReclaimReport): string => {
  const { savings } = report
  const byProduct = htmlTable(
    [
      { label: "connection" },
      { label: "product" },
      { label: "seats", numeric: true },
      { label: "per month", numeric: true },
      { label: "per year", numeric: true },
      { label: "from", kind: "date" as const },
      { label: "when" }
    ],
    [
      ...savings.byProduct.map((row) => ({
        cells: [
          htmlText(row.connection),
          htmlText(productLabel(row)),
          htmlText(row.seats),
          htmlText(money(row.monthly, row.currency)),
          htmlText(money(row.annual, row.currency)),
          htmlText(row.from),
          htmlText(row.currency === null ? "no price set" : whenLabel(row.billingPeriod))
        ]
      })),
      ...savings.totals.map((total) => ({
        className: "total",
        footer: true,
        cells: [
          "",
          "total",
          htmlText(total.seats),
          htmlText(money(total.monthly, total.currency)),
          htmlText(money(total.annual, total.currency)),
          "",
          ""
        ]
      }))
    ]
  )
  const byMonth =
    savings.byMonth.length === 0
      ? ""
      : `<h3>By month the saving lands</h3>${htmlTable(
          [
            { label: "month" },
            { label: "seats", numeric: true },
            { label: "per month from then", numeric: true }
          ],
          savings.byMonth.map((month) => ({
            cells: [
              htmlText(month.month),
              htmlText(month.seats),
              htmlText(money(month.monthly, month.currency))
            ]
          }))
        )}`
  const unpriced =
    savings.unpricedSeats === 0
      ? ""
      : `<p class="muted">${savings.unpricedSeats} seat${savings.unpricedSeats === 1 ? "" : "s"} of unpriced products: the saving is unknown and in no total.</p>`
  const unbilled =
    savings.unbilledSeats === 0
      ? ""
      : `<p class="muted">${htmlText(unbilledNote(savings.unbilledSeats))}.</p>`
  return `<h3>Savings if reclaimed</h3><p class="muted">At the prices in force on ${htmlText(report.generatedAt.toISOString().slice(0, 10))}: a monthly plan saves at once, an annual plan at its next renewal.</p>${byProduct}${unpriced}${unbilled}${byMonth}<h3>The seats</h3>`
}

/** Why a seat is a candidate: the row's reason code (`data-reason`, the reason filter) and how it reads. */
const reasonOf = (row: ReclaimRow): Facet => ({ value: row.reason, label: reasonLabel(row.reason) })

/**
 * One line per seat, narrow enough for a laptop screen: who (name, email, account id), the product (key, site),
 * the reason, the activity, the saving (and the day it starts) and the evidence; filters by product and reason, sortable by column.
 */
const reclaimSeatsTable = (report: ReclaimReport): string => {
  const several = distinct(report.candidates.map((row) => row.connection)).length > 1
  const sub = (text: string | null) => (text === null ? "" : `<span class="sub">${htmlText(text)}</span>`)
  return htmlTable(
    [
      ...(several ? [{ label: "connection", nowrap: true }] : []),
      { label: "person" },
      { label: "product", nowrap: true },
      { label: "reason", nowrap: true },
      { label: "last active", kind: "date" as const },
      { label: "days idle", numeric: true },
      { label: "active days in 90", numeric: true },
      { label: "saving per month", numeric: true },
      { label: "evidence", nowrap: true },
      { label: "roles and account" }
    ],
    report.candidates.map((row) => ({
      facets: {
        product: {
          value: `${row.connection} ${row.productId}`,
          label: several ? `${productLabel(row)} · ${row.connection}` : productLabel(row)
        },
        reason: reasonOf(row)
      },
      cells: [
        ...(several ? [htmlText(row.connection)] : []),
        {
          // An email may break before its @, never elsewhere; the account id never.
          markup: `${htmlText(row.name)}${row.email === null ? "" : `<span class="sub">${row.email.split("@").map(htmlText).join("<wbr>@")}</span>`}<code>${htmlText(row.accountId)}</code>`,
          sort: row.name
        },
        `${htmlText(row.productKey)}${sub(row.productName === row.productKey ? null : row.productName)}`,
        {
          markup: `<span class="badge bad">${htmlText(reasonOf(row).label)}</span>`,
          sort: reasonOf(row).label
        },
        row.lastActiveAt === null ? { markup: "never", sort: "0000-00-00" } : htmlText(day(row.lastActiveAt)),
        htmlText(row.daysSinceActive),
        htmlText(row.activeDays90),
        !row.billed
          ? {
              // Short, in a column that never wraps: the user's state is in the last column, the note above.
              markup: `${htmlText(row.saving === null ? "0" : money(0, row.saving.currency))}${sub("not billed")}`,
              sort: 0
            }
          : row.saving === null
            ? { markup: `<span class="muted">unknown</span>`, sort: "" }
            : {
                markup: `${htmlText(money(row.saving.monthly, row.saving.currency))}${sub(`from ${row.saving.from}`)}`,
                sort: row.saving.monthly
              },
        `${htmlText(row.activitySource)}${sub(row.activityObservedAt === null ? null : `seen ${day(row.activityObservedAt)}`)}${sub(row.addedToOrg === null ? null : `added ${day(row.addedToOrg)}`)}`,
        `${htmlText(row.roles.join(", "))}${sub(`${row.accountType}, ${managedLabel(row.managed)}${row.status === null ? "" : `, ${row.status}`}`)}${sub(duplicateEvidence(row) || null)}`
      ]
    })),
    {
      filters: [
        { key: "product", label: "Product" },
        { key: "reason", label: "Reason" }
      ]
    }
  )
}

/** The list with every piece of evidence: account id, dates, source, roles, account type and state. */
export const reclaimSection = (report: ReclaimReport): string => {
  const note = protectedNote(report)
  const heading = `<h2>Seats to reclaim <span class="muted">(${seatsOf(report.candidates).length})</span></h2>${note === "" ? "" : `<p class="muted">${htmlText(note)}</p>`}`
  if (report.candidates.length === 0) {
    return `${heading}<p>None: every billable seat is in use.</p>${realisedSection(report.realised)}`
  }
  return (
    heading +
    savingsSection(report) +
    `<p class="muted">Billable seats whose holder was inactive for the threshold or never active, never-active first, then the longest idle. The evidence: the last-active date, where it came from and when seatsync observed it.</p>` +
    reclaimSeatsTable(report) +
    realisedSection(report.realised)
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

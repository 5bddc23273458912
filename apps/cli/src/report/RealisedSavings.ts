/**
 * The reclaim report's "realised savings" part: what became of the candidates whose billable seat was taken
 * away — a saving realised on the day of the removing run, per month at the price in force that day (an
 * annual plan's money stops at its next renewal), or a seat re-granted within 30 days, flagged with how it
 * came back and the groups the person joined then — its document, how it is loaded, and how it reads as
 * text, CSV cells and an HTML section. An unpriced product's saving is unknown (null), never 0.
 */
import { type Connections, RealisedSavings, Spend } from "@seatsync/store"
import { Effect, Schema } from "effect"
import type { Cell } from "./Csv.js"
import { htmlTable, htmlText } from "./HtmlTable.js"
import { Amount, money } from "./Money.js"
import { renderTable } from "./Table.js"
import { day, productLabel } from "./ValueText.js"

const Day = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/))
const Count = Schema.NonNegativeInt

/** One candidate's seat that a run removed, and whether it stayed away. */
export const SeatOutcome = Schema.Struct({
  connection: Schema.String,
  /** `realised`: the seat stayed away; `regranted`: a billable role on the product came back within 30 days. */
  outcome: Schema.Literal("realised", "regranted"),
  accountId: Schema.String,
  name: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  /** The billable roles removed. */
  roles: Schema.Array(Schema.String),
  /** The UTC day of the run that removed the seat: the day the saving was realised. */
  removedOn: Day,
  /** The last-active date known before the removal; null: never active. */
  lastActiveAt: Schema.NullOr(Schema.Date),
  /** Null (and the amounts too) when the product had no price that day. */
  currency: Schema.NullOr(Schema.String),
  billingPeriod: Schema.NullOr(Schema.Literal("monthly", "annual")),
  /** Per month: the monthly price, or the annual price ÷ 12. */
  monthly: Schema.NullOr(Amount),
  annual: Schema.NullOr(Amount),
  /** The first day it saves: `removedOn` for a monthly plan, the next renewal for an annual plan. */
  from: Schema.NullOr(Day),
  /** The day a billable role on the product came back, at any distance; null: it has not. */
  backOn: Schema.NullOr(Day),
  /** How the returning role was granted: `direct`, `group`, `inferred`. */
  backGrantedVia: Schema.Array(Schema.String),
  /** The groups the person joined or rejoined in the run the role came back: the likely granters. */
  backGroups: Schema.Array(Schema.String)
}).annotations({
  identifier: "SeatOutcome",
  description:
    "A reclaim candidate's seat that a run removed: a realised saving, or a re-grant within 30 days."
})
export type SeatOutcome = typeof SeatOutcome.Type

/** The realised savings of one currency. */
export const RealisedTotal = Schema.Struct({
  currency: Schema.String,
  seats: Count,
  monthly: Amount,
  annual: Amount
}).annotations({ identifier: "RealisedTotal", description: "Realised savings in one currency." })
export type RealisedTotal = typeof RealisedTotal.Type

export const Realised = Schema.Struct({
  /** Oldest removal first; re-grants included (`outcome`). */
  seats: Schema.Array(SeatOutcome),
  /** Per currency, of the realised (not re-granted) priced seats. */
  totals: Schema.Array(RealisedTotal),
  regranted: Count,
  /** Realised seats of products without a price that day: in no total. */
  unpricedSeats: Count
}).annotations({
  identifier: "RealisedSavings",
  description: "Candidates' seats taken away: savings realised, and seats that came back within 30 days."
})
export type Realised = typeof Realised.Type

const outcomeOf = (connection: string, row: RealisedSavings.SeatRemoval): SeatOutcome => {
  const terms =
    row.pricePerSeat === null || row.billingPeriod === null || row.currency === null
      ? null
      : { pricePerSeat: row.pricePerSeat, billingPeriod: row.billingPeriod, renewalDate: row.renewalDate }
  return {
    connection,
    outcome: row.outcome,
    accountId: row.accountId,
    name: row.name,
    email: row.email,
    productId: row.productId,
    productKey: row.productKey ?? row.productId,
    productName: row.productName ?? row.productId,
    roles: row.roles,
    removedOn: row.removedOn,
    lastActiveAt: row.lastActiveAt,
    currency: terms === null ? null : row.currency,
    billingPeriod: terms?.billingPeriod ?? null,
    monthly: terms === null ? null : Spend.cents(Spend.monthlyPerSeat(terms)),
    annual: terms === null ? null : Spend.cents(Spend.annualPerSeat(terms)),
    from: terms === null ? null : Spend.savingFrom(terms, row.removedOn),
    backOn: row.backAt === null ? null : day(row.backAt),
    backGrantedVia: row.backGrantedVia,
    backGroups: row.backGroups
  }
}

/** Totals per currency from unrounded per-seat amounts, rounded once. */
const totalsOf = (
  rows: ReadonlyArray<{ readonly currency: string; readonly monthly: number }>
): ReadonlyArray<RealisedTotal> => {
  const sums = new Map<string, { seats: number; monthly: number }>()
  for (const { currency, monthly } of rows) {
    const sum = sums.get(currency) ?? { seats: 0, monthly: 0 }
    sums.set(currency, { seats: sum.seats + 1, monthly: sum.monthly + monthly })
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, { seats, monthly }]) => ({
      currency,
      seats,
      monthly: Spend.cents(monthly),
      annual: Spend.cents(monthly * 12)
    }))
}

/** Every connection's removed candidate seats, with the totals of those realised. */
export const loadRealised = (connections: ReadonlyArray<Connections.Connection>) =>
  Effect.gen(function* () {
    const removals = yield* Effect.forEach(connections, (connection) =>
      Effect.map(RealisedSavings.removals(connection.id), (rows) =>
        rows.map((row) => ({ connection: connection.name, row }))
      )
    )
    const all = removals.flat()
    const seats = all.map(({ connection, row }) => outcomeOf(connection, row))
    const realised = all.filter(({ row }) => row.outcome === "realised")
    const priced = realised.flatMap(({ row }) =>
      row.currency === null || row.pricePerSeat === null || row.billingPeriod === null
        ? []
        : [
            {
              currency: row.currency,
              monthly: Spend.monthlyPerSeat({
                pricePerSeat: row.pricePerSeat,
                billingPeriod: row.billingPeriod,
                renewalDate: row.renewalDate
              })
            }
          ]
    )
    return {
      seats,
      totals: totalsOf(priced),
      regranted: seats.filter((seat) => seat.outcome === "regranted").length,
      unpricedSeats: realised.length - priced.length
    } satisfies Realised
  })

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/** `back 2026-07-20 through group jira-users`, `back 2026-08-25 directly`, or empty. */
export const backLabel = (seat: SeatOutcome): string => {
  if (seat.backOn === null) return ""
  const how = seat.backGrantedVia.includes("group")
    ? `through group ${seat.backGroups.length === 0 ? "(not named)" : seat.backGroups.join(", ")}`
    : seat.backGrantedVia.includes("direct")
      ? "directly"
      : seat.backGrantedVia.join(", ") || "(how not said)"
  return `back ${seat.backOn} ${how}`
}

const outcomeLabel = (seat: SeatOutcome): string =>
  seat.outcome === "regranted" ? "re-granted within 30 days" : "realised"

/** The text block under the reclaim table. */
export const realisedText = (realised: Realised): string => {
  if (realised.seats.length === 0) {
    return "Realised savings: none yet (no candidate's billable seat has been taken away since seatsync started)."
  }
  const several = new Set(realised.seats.map((seat) => seat.connection)).size > 1
  const table = renderTable(
    [
      ...(several ? [{ header: "connection", maxWidth: 16 }] : []),
      { header: "user", maxWidth: 38 },
      { header: "product", maxWidth: 28 },
      { header: "removed" },
      { header: "outcome" },
      { header: "per month", align: "right" as const },
      { header: "came back", maxWidth: 40 }
    ],
    realised.seats.map((seat) => [
      ...(several ? [seat.connection] : []),
      seat.email ?? seat.name ?? seat.accountId,
      productLabel(seat),
      seat.removedOn,
      outcomeLabel(seat),
      money(seat.monthly, seat.currency),
      backLabel(seat) || "–"
    ])
  )
  const realisedCount = realised.seats.length - realised.regranted
  return [
    `Realised savings: ${plural(realisedCount, "seat")} taken away and kept away, ${plural(realised.regranted, "seat")} re-granted within 30 days`,
    "",
    table,
    "",
    ...realised.totals.map(
      (total) =>
        `realised: ${money(total.monthly, total.currency)} per month, ${money(total.annual, total.currency)} per year (${plural(total.seats, "seat")})`
    ),
    ...(realised.unpricedSeats === 0
      ? []
      : [
          `${plural(realised.unpricedSeats, "seat")} of products without a price that day: saving unknown, in no total`
        ])
  ].join("\n")
}

/** The HTML section: every removed seat, its outcome, saving and return. */
export const realisedSection = (realised: Realised): string => {
  const heading = `<h3>Realised savings <span class="muted">(${realised.seats.length - realised.regranted} realised, ${realised.regranted} re-granted)</span></h3>`
  if (realised.seats.length === 0) {
    return `${heading}<p class="muted">None yet: no candidate's billable seat has been taken away.</p>`
  }
  const rows = realised.seats.map((seat) => ({
    ...(seat.outcome === "regranted" ? { className: "regranted" } : {}),
    cells: [
      htmlText(seat.connection),
      htmlText(seat.email ?? seat.name ?? seat.accountId),
      htmlText(productLabel(seat)),
      htmlText(seat.removedOn),
      seat.outcome === "regranted"
        ? `<span class="badge bad">${htmlText(outcomeLabel(seat))}</span>`
        : htmlText(outcomeLabel(seat)),
      htmlText(money(seat.monthly, seat.currency)),
      htmlText(seat.from),
      htmlText(backLabel(seat) || null)
    ]
  }))
  const totals = realised.totals.map((total) => ({
    className: "total",
    cells: [
      "",
      "total realised",
      "",
      "",
      htmlText(plural(total.seats, "seat")),
      htmlText(money(total.monthly, total.currency)),
      "",
      ""
    ]
  }))
  return `${heading}<p class="muted">Candidates whose billable seat a sync found gone: saved from the day of that sync at the price in force then (an annual plan at its next renewal), unless a billable role came back within 30 days — then re-granted, with the groups the person joined that day.</p>${htmlTable(
    [
      { label: "connection" },
      { label: "user" },
      { label: "product" },
      { label: "removed" },
      { label: "outcome" },
      { label: "per month", numeric: true },
      { label: "saves from" },
      { label: "came back" }
    ],
    [...rows, ...totals]
  )}`
}

/**
 * A removed seat as a row of the reclaim CSV, by column header (`kind` says which row is which); the columns
 * it has no value for stay empty.
 */
export const outcomeCsvCells = (seat: SeatOutcome): Readonly<Record<string, Cell>> => ({
  kind: seat.outcome,
  connection: seat.connection,
  account_id: seat.accountId,
  name: seat.name,
  email: seat.email,
  product_id: seat.productId,
  product_key: seat.productKey,
  product_name: seat.productName,
  last_active_at: seat.lastActiveAt === null ? null : seat.lastActiveAt.toISOString(),
  roles: seat.roles.join(" "),
  currency: seat.currency,
  billing_period: seat.billingPeriod,
  monthly_saving: seat.monthly,
  annual_saving: seat.annual,
  saving_from: seat.from,
  saving_month: seat.from === null ? null : seat.from.slice(0, 7),
  removed_on: seat.removedOn,
  came_back_on: seat.backOn,
  came_back_via: seat.backGrantedVia.join(" "),
  came_back_groups: seat.backGroups.join(" ")
})

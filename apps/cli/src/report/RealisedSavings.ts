/**
 * The reclaim report's "realised savings" part: what became of the candidates whose billed seat was taken
 * away — a saving realised on the day of the removing run, per month at the price in force that day (an
 * annual plan's money stops at its next renewal), until the seat comes back after the 30 days, or a seat
 * re-granted within 30 days, flagged with how it came back and the groups the person joined then — its
 * document, how it is loaded, and how it reads as text, CSV cells and an HTML section. Only the savings still
 * standing are in the totals (at most one per account and product). An unpriced product's saving is unknown
 * (null), never 0.
 */
import { type Connections, RealisedSavings, Spend } from "@seatsync/store"
import { Effect, Schema } from "effect"
import type { Cell } from "./Csv.js"
import { htmlTable, htmlText } from "./HtmlTable.js"
import { Amount, money, sumsByCurrency } from "./Money.js"
import { renderTable } from "./Table.js"
import { day, productLabel } from "./ValueText.js"

const Day = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/))
const Count = Schema.NonNegativeInt

/** One candidate's seat that a run removed, and whether it stayed away. */
export const SeatOutcome = Schema.Struct({
  connection: Schema.String,
  /**
   * `realised`: the seat stayed away for more than 30 days (or still is); `regranted`: a billable role on the
   * product came back within 30 days.
   */
  outcome: Schema.Literal("realised", "regranted"),
  /**
   * A realised saving that ended: the day the seat came back after the 30 days, billed again from then (in no
   * total). Null while the saving stands, and for a re-grant.
   */
  until: Schema.NullOr(Day),
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

/** The realised savings still standing in one currency. */
export const RealisedTotal = Schema.Struct({
  currency: Schema.String,
  seats: Count,
  monthly: Amount,
  annual: Amount
}).annotations({
  identifier: "RealisedTotal",
  description: "Realised savings still standing in one currency."
})
export type RealisedTotal = typeof RealisedTotal.Type

export const Realised = Schema.Struct({
  /** Oldest removal first; re-grants included (`outcome`). */
  seats: Schema.Array(SeatOutcome),
  /**
   * Per currency, of the realised priced savings still standing (not re-granted, not ended by the seat's
   * return): at most one per account and product.
   */
  totals: Schema.Array(RealisedTotal),
  regranted: Count,
  /** Realised savings that ended when the seat came back after the 30 days (`until`): in no total. */
  ended: Count,
  /** Standing realised seats of products without a price that day: in no total. */
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
    until: row.until,
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
    // Only the savings still standing: a seat back after the 30 days is billed again.
    const standing = all.filter(({ row }) => row.outcome === "realised" && row.until === null)
    const priced = standing.flatMap(({ row }) =>
      row.currency === null || row.pricePerSeat === null || row.billingPeriod === null
        ? []
        : [
            {
              key: { currency: row.currency },
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
      totals: sumsByCurrency(priced),
      regranted: seats.filter((seat) => seat.outcome === "regranted").length,
      ended: seats.filter((seat) => seat.until !== null).length,
      unpricedSeats: standing.length - priced.length
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
  seat.outcome === "regranted"
    ? "re-granted within 30 days"
    : seat.until === null
      ? "realised"
      : `realised until ${seat.until}`

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
  const standing = realised.seats.length - realised.regranted - realised.ended
  return [
    `Realised savings: ${plural(standing, "seat")} taken away and kept away, ${plural(realised.regranted, "seat")} re-granted within 30 days${realised.ended === 0 ? "" : `, ${plural(realised.ended, "saving")} ended when the seat came back after 30 days (in no total)`}`,
    "",
    table,
    "",
    ...realised.totals.map(
      (total) =>
        `realised and standing: ${money(total.monthly, total.currency)} per month, ${money(total.annual, total.currency)} per year (${plural(total.seats, "seat")})`
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
  const heading = `<h3>Realised savings <span class="muted">(${realised.seats.length - realised.regranted - realised.ended} realised, ${realised.ended} ended, ${realised.regranted} re-granted)</span></h3>`
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
      "total realised, standing",
      "",
      "",
      htmlText(plural(total.seats, "seat")),
      htmlText(money(total.monthly, total.currency)),
      "",
      ""
    ]
  }))
  return `${heading}<p class="muted">Candidates whose billable seat a sync found gone: saved from the day of that sync at the price in force then (an annual plan at its next renewal), unless a billable role came back within 30 days — then re-granted, with the groups the person joined that day. A seat back later was saved until that day (billed again since, in no total).</p>${htmlTable(
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
  saving_until: seat.until,
  removed_on: seat.removedOn,
  came_back_on: seat.backOn,
  came_back_via: seat.backGrantedVia.join(" "),
  came_back_groups: seat.backGroups.join(" ")
})

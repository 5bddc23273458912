/**
 * Money in the reports: the price terms a cost was computed from, how an amount reads (`1,234.50 USD`) and
 * the rule that an unknown price is an unknown cost — shown as `unknown`, never as 0 — shared by the seats
 * and reclaim reports (pure but for the schemas).
 */
import { type Prices, Spend } from "@seatsync/store"
import { Schema } from "effect"

/** An amount in a currency's major unit, rounded to cents. */
export const Amount = Schema.Number.annotations({
  description: "An amount in the currency's major unit, rounded to cents."
})

/** The price a cost was computed from: the one in force on the day costed. */
export const PriceTerms = Schema.Struct({
  currency: Schema.String,
  /** Per seat per billing period: per month for a monthly plan, per year for an annual plan. */
  pricePerSeat: Schema.Number,
  billingPeriod: Schema.Literal("monthly", "annual"),
  /** An annual plan's renewal day as entered (`YYYY-MM-DD`); null for a monthly plan. */
  renewalDate: Schema.NullOr(Schema.String),
  /** The day this price took effect. */
  effectiveFrom: Schema.String
}).annotations({
  identifier: "PriceTerms",
  description: "The price per seat in force on the day costed, as entered with `seatsync prices`."
})
export type PriceTerms = typeof PriceTerms.Type

/** A stored price as the terms a report carries. */
export const termsOf = (price: Prices.Price): PriceTerms => ({
  currency: price.currency,
  pricePerSeat: price.pricePerSeat,
  billingPeriod: price.billingPeriod,
  renewalDate: price.renewalDate,
  effectiveFrom: price.effectiveFrom
})

/** Each connection's price history per product, to find the price in force on any day. */
export type PriceBook = ReadonlyMap<string, ReadonlyArray<Prices.Price>>

const bookKey = (connection: string, productId: string) => `${connection}\u0000${productId}`

/** A price book of the named connections' histories. */
export const priceBook = (
  histories: ReadonlyArray<{ readonly connection: string; readonly history: ReadonlyArray<Prices.Price> }>
): PriceBook => {
  const book = new Map<string, Array<Prices.Price>>()
  for (const { connection, history } of histories) {
    for (const price of history) {
      const key = bookKey(connection, price.productId)
      book.set(key, [...(book.get(key) ?? []), price])
    }
  }
  for (const prices of book.values()) prices.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
  return book
}

/** The price of a connection's product in force on `day`, or undefined: an unknown cost. */
export const priceIn = (
  book: PriceBook,
  connection: string,
  productId: string,
  day: string
): Prices.Price | undefined => Spend.priceOn(book.get(bookKey(connection, productId)) ?? [], day)

/** An amount rounded to cents, or null when it is unknown. */
export const rounded = (amount: number | null): number | null =>
  amount === null ? null : Spend.cents(amount)

/**
 * Sums of per-seat monthly amounts grouped by a key holding at least the currency (amounts in different
 * currencies are never added): the seats, and per month and per year from the unrounded amounts, rounded
 * once; ordered by `idOf` (the key as text, e.g. `2026-07 EUR`).
 */
export const sumsByCurrency = <K extends { readonly currency: string }>(
  rows: ReadonlyArray<{ readonly key: K; readonly monthly: number }>,
  idOf: (key: K) => string = (key) => key.currency
): ReadonlyArray<K & { readonly seats: number; readonly monthly: number; readonly annual: number }> => {
  const groups = new Map<string, { key: K; seats: number; monthly: number }>()
  for (const { key, monthly } of rows) {
    const id = idOf(key)
    const group = groups.get(id) ?? { key, seats: 0, monthly: 0 }
    groups.set(id, { key, seats: group.seats + 1, monthly: group.monthly + monthly })
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, { key, seats, monthly }]) => ({
      ...key,
      seats,
      monthly: Spend.cents(monthly),
      annual: Spend.cents(monthly * 12)
    }))
}

const grouped = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })

/** `1,234.50 USD`; `unknown` when the price (or the count) is unknown. */
export const money = (amount: number | null, currency: string | null): string =>
  amount === null || currency === null ? "unknown" : `${grouped.format(amount)} ${currency}`

/** `7.75 USD/seat/month`, `86.00 EUR/seat/year (renews 2027-03-01)`; `unknown price`. */
export const termsLabel = (terms: PriceTerms | null): string =>
  terms === null
    ? "unknown price"
    : `${grouped.format(terms.pricePerSeat)} ${terms.currency}/seat/${terms.billingPeriod === "monthly" ? "month" : "year"}${
        terms.renewalDate === null ? "" : ` (renews ${terms.renewalDate})`
      }`

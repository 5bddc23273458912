/**
 * The arithmetic of money in seatsync's reports, one rule each (pure): what one seat costs per month and
 * per day under a price, which price was in force on a day, and when reclaiming a seat saves money — a
 * monthly plan at once, an annual plan at its next renewal. Amounts are rounded to cents only where they
 * are shown (`cents`); sums are taken of unrounded amounts.
 */
import type { BillingPeriod } from "./Prices.js"

/** The terms a cost is computed from: a price per seat per billing period. */
export interface Terms {
  readonly pricePerSeat: number
  readonly billingPeriod: BillingPeriod
  /** An annual plan's renewal day (`YYYY-MM-DD`); null for a monthly plan. */
  readonly renewalDate: string | null
}

/** Days in the year a daily cost is spread over. */
export const daysPerYear = 365

/** One seat for one month: a monthly plan's price, or an annual plan's price ÷ 12. */
export const monthlyPerSeat = (terms: Terms): number =>
  terms.billingPeriod === "monthly" ? terms.pricePerSeat : terms.pricePerSeat / 12

/** One seat for one year: 12 months of `monthlyPerSeat`. */
export const annualPerSeat = (terms: Terms): number => monthlyPerSeat(terms) * 12

/** One seat for one day: a year's cost ÷ 365. */
export const dailyPerSeat = (terms: Terms): number => annualPerSeat(terms) / daysPerYear

/** An amount as shown and exported: rounded to cents (half away from zero). */
export const cents = (amount: number): number =>
  (Math.sign(amount) * Math.round(Math.abs(amount) * 100 + 1e-9)) / 100

/** `count` seats at `perSeat` each; unknown (null) when the count is unknown. */
export const costOf = (count: number | null, perSeat: number): number | null =>
  count === null ? null : count * perSeat

const addYears = (day: string, years: number): string => {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number]
  // 29 February renews on 28 February in a common year.
  const target = new Date(Date.UTC(year + years, month - 1, date))
  if (target.getUTCMonth() !== month - 1) target.setUTCDate(0)
  return target.toISOString().slice(0, 10)
}

/** An annual plan's first renewal on or after `day`: the stored renewal day, moved on by whole years. */
export const nextRenewal = (renewalDate: string, day: string): string => {
  let years = 0
  let next = renewalDate
  while (next < day) {
    years += 1
    next = addYears(renewalDate, years)
  }
  return next
}

/**
 * The day a seat reclaimed on `day` stops costing money: `day` itself for a monthly plan (at once), the
 * next renewal for an annual plan.
 */
export const savingFrom = (terms: Terms, day: string): string =>
  terms.billingPeriod === "annual" && terms.renewalDate !== null ? nextRenewal(terms.renewalDate, day) : day

/** Prices of one product in their history, oldest first: the one in force on `day`, if any. */
export const priceOn = <P extends { readonly effectiveFrom: string }>(
  history: ReadonlyArray<P>,
  day: string
): P | undefined => {
  let found: P | undefined
  for (const price of history) if (price.effectiveFrom <= day) found = price
  return found
}

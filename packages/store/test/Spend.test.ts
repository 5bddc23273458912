import { describe, expect, it } from "@effect/vitest"
import * as Spend from "../src/Spend.js"

const monthly = { pricePerSeat: 7.75, billingPeriod: "monthly", renewalDate: null } as const
const annual = { pricePerSeat: 86, billingPeriod: "annual", renewalDate: "2027-03-01" } as const

describe("what a seat costs", () => {
  it("per month: a monthly plan's price, an annual plan's price ÷ 12; per day: a year's cost ÷ 365", () => {
    expect(Spend.monthlyPerSeat(monthly)).toBe(7.75)
    expect(Spend.monthlyPerSeat(annual)).toBeCloseTo(86 / 12, 12)
    expect(Spend.annualPerSeat(monthly)).toBeCloseTo(93, 12)
    expect(Spend.annualPerSeat(annual)).toBeCloseTo(86, 12)
    expect(Spend.dailyPerSeat(monthly)).toBeCloseTo(93 / 365, 12)
    expect(Spend.dailyPerSeat(annual)).toBeCloseTo(86 / 365, 12)
  })

  it("an unknown count costs an unknown amount, never 0", () => {
    expect(Spend.costOf(null, 7.75)).toBeNull()
    expect(Spend.costOf(0, 7.75)).toBe(0)
    expect(Spend.costOf(4, 7.75)).toBe(31)
  })

  it("amounts are shown in cents, half away from zero", () => {
    expect(Spend.cents(1.005)).toBe(1.01)
    expect(Spend.cents(2.675)).toBe(2.68)
    expect(Spend.cents(1.004)).toBe(1)
    expect(Spend.cents(-1.005)).toBe(-1.01)
    expect(Spend.cents(0)).toBe(0)
  })
})

describe("when a saving lands", () => {
  it("a monthly plan saves from the day the seat is reclaimed", () => {
    expect(Spend.savingFrom(monthly, "2026-11-29")).toBe("2026-11-29")
  })

  it("an annual plan saves from its next renewal, the stored day moved on by whole years", () => {
    expect(Spend.savingFrom(annual, "2026-11-29")).toBe("2027-03-01")
    expect(Spend.savingFrom(annual, "2027-03-01")).toBe("2027-03-01")
    expect(Spend.savingFrom(annual, "2027-03-02")).toBe("2028-03-01")
    expect(Spend.nextRenewal("2020-11-15", "2026-11-29")).toBe("2027-11-15")
    // 29 February renews on 28 February in a common year, and on 29 February again in a leap year.
    expect(Spend.nextRenewal("2024-02-29", "2025-01-01")).toBe("2025-02-28")
    expect(Spend.nextRenewal("2024-02-29", "2027-03-01")).toBe("2028-02-29")
  })
})

describe("the price in force", () => {
  const history = [
    { effectiveFrom: "2026-01-01", pricePerSeat: 7.75 },
    { effectiveFrom: "2026-06-01", pricePerSeat: 8.6 }
  ]
  it("is the latest that took effect by the day; none before the first", () => {
    expect(Spend.priceOn(history, "2025-12-31")).toBeUndefined()
    expect(Spend.priceOn(history, "2026-01-01")?.pricePerSeat).toBe(7.75)
    expect(Spend.priceOn(history, "2026-05-31")?.pricePerSeat).toBe(7.75)
    expect(Spend.priceOn(history, "2026-06-01")?.pricePerSeat).toBe(8.6)
    expect(Spend.priceOn(history, "2027-01-01")?.pricePerSeat).toBe(8.6)
  })
})

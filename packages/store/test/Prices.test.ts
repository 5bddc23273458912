import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as Database from "../src/Database.js"
import * as Prices from "../src/Prices.js"
import { makeConnection } from "./fixtures.js"
import { makeProduct, syncOrg } from "./orgFixtures.js"

const jira = makeProduct("jira-software", 10)
const wiki = makeProduct("confluence", null)

const monthly = (productId: string, effectiveFrom: string, pricePerSeat: number): Prices.PriceSetting => ({
  productId,
  effectiveFrom,
  currency: "USD",
  pricePerSeat,
  billingPeriod: "monthly",
  renewalDate: null,
  setBy: "finance@example.com"
})

describe("price settings", () => {
  it("an annual plan needs a renewal day, a monthly plan has none; currencies, days and prices are checked", () => {
    expect(Prices.check(monthly("p", "2026-11-01", 7.75))).toBeUndefined()
    expect(Prices.check({ ...monthly("p", "2026-11-01", 7.75), billingPeriod: "annual" })).toContain(
      "an annual plan needs its renewal date"
    )
    expect(Prices.check({ ...monthly("p", "2026-11-01", 7.75), renewalDate: "2027-01-01" })).toContain(
      "a monthly plan has no renewal date"
    )
    expect(Prices.check({ ...monthly("p", "2026-11-01", 7.75), currency: "usd" })).toContain(
      "is not a currency code"
    )
    expect(Prices.check(monthly("p", "2026-02-30", 7.75))).toContain('"2026-02-30" is not a date')
    expect(Prices.check(monthly("p", "2026-11-01", -1))).toContain("is not a price per seat")
    expect(Prices.check(monthly("p", "2026-11-01", 0.00001))).toContain("is not a price per seat")
    expect(Prices.check(monthly("p", "2026-11-01", 0))).toBeUndefined()
  })

  it("a product is named by its id, or by its key when that is unique", () => {
    const products = [
      { productId: "a", productKey: "jira-software", productName: "A", capacity: null, plan: null },
      { productId: "b", productKey: "jira-software", productName: "B", capacity: null, plan: null },
      { productId: "c", productKey: "confluence", productName: "C", capacity: null, plan: null }
    ]
    expect(Prices.productsNamed(products, "b").map((p) => p.productId)).toEqual(["b"])
    expect(Prices.productsNamed(products, "confluence").map((p) => p.productId)).toEqual(["c"])
    expect(Prices.productsNamed(products, "jira-software").map((p) => p.productId)).toEqual(["a", "b"])
    expect(Prices.productsNamed(products, "bitbucket")).toEqual([])
  })
})

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("Prices", (it) => {
  it.effect(
    "a changed price keeps the old one for the days before it; the same first day is a correction",
    () =>
      Effect.gen(function* () {
        const connection = yield* makeConnection()
        yield* syncOrg(connection.id, {
          products: [jira, wiki],
          users: [],
          groups: [],
          memberships: [],
          roles: [],
          activity: []
        })
        yield* Prices.set(connection.id, monthly(jira.productId, "2026-01-01", 7.75))
        yield* Prices.set(connection.id, monthly(jira.productId, "2026-06-01", 8.6))
        yield* Prices.set(connection.id, {
          productId: wiki.productId,
          effectiveFrom: "2026-03-01",
          currency: "EUR",
          pricePerSeat: 60,
          billingPeriod: "annual",
          renewalDate: "2027-03-01",
          setBy: null
        })

        const inForce = (day: string) =>
          Effect.map(Prices.inForce(connection.id, day), (prices) =>
            prices.map((price) => [price.productKey, price.pricePerSeat, price.currency, price.effectiveFrom])
          )
        expect(yield* inForce("2025-12-31")).toEqual([])
        expect(yield* inForce("2026-01-01")).toEqual([["jira-software", 7.75, "USD", "2026-01-01"]])
        expect(yield* inForce("2026-05-31")).toEqual([
          ["confluence", 60, "EUR", "2026-03-01"],
          ["jira-software", 7.75, "USD", "2026-01-01"]
        ])
        const june = yield* Prices.inForce(connection.id, "2026-06-01")
        expect(june.find((price) => price.productId === jira.productId)?.pricePerSeat).toBe(8.6)
        expect(june.find((price) => price.productId === wiki.productId)).toMatchObject({
          billingPeriod: "annual",
          renewalDate: "2027-03-01",
          productName: "Acme confluence",
          setBy: null
        })

        // A correction of the June price: replaced, not added.
        yield* Prices.set(connection.id, monthly(jira.productId, "2026-06-01", 8.5))
        const history = yield* Prices.history(connection.id)
        expect(
          history
            .filter((price) => price.productId === jira.productId)
            .map((price) => [price.effectiveFrom, price.pricePerSeat])
        ).toEqual([
          ["2026-01-01", 7.75],
          ["2026-06-01", 8.5]
        ])
        expect(history.every((price) => price.setAt instanceof Date)).toBe(true)
      })
  )

  it.effect("an import is all or nothing: one bad row stores none of them", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const connection = yield* makeConnection()
      const result = yield* Effect.exit(
        Prices.setAll(connection.id, [
          monthly(jira.productId, "2026-01-01", 7.75),
          { ...monthly(wiki.productId, "2026-01-01", 5), billingPeriod: "annual" }
        ])
      )
      expect(Exit.isFailure(result)).toBe(true)
      const rows = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM seatsync.product_price WHERE connection_id = ${connection.id}`
      expect(rows[0]?.n).toBe(0)
      // The table refuses an annual plan without a renewal day even from another writer.
      const direct = yield* Effect.exit(sql`
        INSERT INTO seatsync.product_price (connection_id, product_id, effective_from, currency, price_per_seat,
          billing_period) VALUES (${connection.id}, 'x', '2026-01-01', 'USD', 1, 'annual')`)
      expect(Exit.isFailure(direct)).toBe(true)
    })
  )

  it.effect("a price of a product the connection no longer has is kept, its key unknown", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      yield* Prices.set(connection.id, monthly("ari:cloud:gone::site/x", "2026-01-01", 3))
      const prices = yield* Prices.inForce(connection.id, "2026-02-01")
      expect(prices.map((price) => [price.productId, price.productKey, price.productName])).toEqual([
        ["ari:cloud:gone::site/x", null, null]
      ])
    })
  )
})

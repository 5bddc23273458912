/**
 * What a seat of each product costs a connection: prices a finance team enters (per seat, a currency, a
 * billing period and, for annual plans, the renewal date), kept with their history — a new price takes effect
 * on a day and never overwrites the one before it, so a past day is priced at the price in force then.
 * A product without a price has an unknown cost (never a cost of 0).
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"
import type { ConnectionId } from "./Ids.js"

type Failure = SqlError.SqlError | ParseResult.ParseError

/** A calendar day, `YYYY-MM-DD`, that exists. */
export const Day = Schema.String.pipe(
  Schema.filter(
    (day) => /^\d{4}-\d{2}-\d{2}$/.test(day) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
    { message: (issue) => `"${String(issue.actual)}" is not a date as YYYY-MM-DD` }
  )
)

/** An ISO 4217 currency code, upper case: `USD`, `EUR`, `GBP`. */
export const Currency = Schema.String.pipe(
  Schema.pattern(/^[A-Z]{3}$/, {
    message: (issue) => `"${String(issue.actual)}" is not a currency code such as USD, EUR or GBP`
  })
)

/** How often a plan is billed: a monthly plan's price is per seat per month, an annual plan's per seat per year. */
export const BillingPeriod = Schema.Literal("monthly", "annual")
export type BillingPeriod = typeof BillingPeriod.Type

/** A price per seat: zero or more, at most four decimals (what the column keeps), below 10^10. */
export const PricePerSeat = Schema.Number.pipe(
  Schema.filter(
    (price) =>
      Number.isFinite(price) &&
      price >= 0 &&
      price < 1e10 &&
      Math.abs(price * 1e4 - Math.round(price * 1e4)) < 1e-6,
    {
      message: (issue) =>
        `"${String(issue.actual)}" is not a price per seat: a number of zero or more with at most four decimals, e.g. 7.75`
    }
  )
)

/** A price as entered: the product it prices, from which day, and the terms. */
export const PriceSetting = Schema.Struct({
  productId: Schema.String.pipe(Schema.minLength(1)),
  /** The first day this price applies; it applies until the next price's first day. */
  effectiveFrom: Day,
  currency: Currency,
  pricePerSeat: PricePerSeat,
  billingPeriod: BillingPeriod,
  /** The next (or any past) renewal day of an annual plan; null for a monthly plan. */
  renewalDate: Schema.NullOr(Day),
  /** Who entered it, when known (e.g. the OS user of the CLI). */
  setBy: Schema.NullOr(Schema.String)
}).pipe(
  Schema.filter((setting) =>
    setting.billingPeriod === "annual" && setting.renewalDate === null
      ? "an annual plan needs its renewal date (YYYY-MM-DD)"
      : setting.billingPeriod === "monthly" && setting.renewalDate !== null
        ? "a monthly plan has no renewal date; give one only with billing period annual"
        : undefined
  )
)
export type PriceSetting = typeof PriceSetting.Type

/** The reason a setting is not a price, in one sentence, or undefined when it is one. */
export const check = (setting: unknown): string | undefined => {
  const decoded = Schema.decodeUnknownEither(PriceSetting)(setting)
  if (decoded._tag === "Right") return undefined
  const issues = decoded.left.message.split("\n").filter((line) => line.trim().startsWith("└─"))
  const last = issues[issues.length - 1]
  return last === undefined ? decoded.left.message : last.replace(/^\s*└─\s*/, "")
}

/** A stored price: the setting, its product's key and name when the product is known, and when it was set. */
export const Price = Schema.Struct({
  productId: Schema.String,
  /** Null when the connection has no such product (any more): the price was kept for its history. */
  productKey: Schema.NullOr(Schema.String),
  productName: Schema.NullOr(Schema.String),
  effectiveFrom: Schema.String,
  currency: Schema.String,
  pricePerSeat: Schema.Union(Schema.Number, Schema.NumberFromString),
  billingPeriod: BillingPeriod,
  renewalDate: Schema.NullOr(Schema.String),
  setAt: Schema.DateFromSelf,
  setBy: Schema.NullOr(Schema.String)
})
export type Price = typeof Price.Type

/**
 * Records a price from its first day on. The same product and first day again replaces that row (a
 * correction); any other day adds a row and leaves earlier prices as they were.
 */
export const set = (
  connectionId: ConnectionId,
  setting: PriceSetting
): Effect.Effect<void, Failure, SqlClient.SqlClient> => setAll(connectionId, [setting])

/** Records several prices in one transaction (a CSV import): all of them or, on a failure, none. */
export const setAll = (
  connectionId: ConnectionId,
  settings: ReadonlyArray<PriceSetting>
): Effect.Effect<void, Failure, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const valid = yield* Effect.forEach(settings, (setting) => Schema.decodeUnknown(PriceSetting)(setting))
    yield* sql.withTransaction(
      Effect.forEach(
        valid,
        (setting) => sql`
          INSERT INTO seatsync.product_price (connection_id, product_id, effective_from, currency, price_per_seat,
            billing_period, renewal_date, set_by)
          VALUES (${connectionId}, ${setting.productId}, ${setting.effectiveFrom}::date, ${setting.currency},
            ${String(setting.pricePerSeat)}::numeric, ${setting.billingPeriod}, ${setting.renewalDate}::date,
            ${setting.setBy})
          ON CONFLICT (connection_id, product_id, effective_from) DO UPDATE SET
            currency = excluded.currency, price_per_seat = excluded.price_per_seat,
            billing_period = excluded.billing_period, renewal_date = excluded.renewal_date,
            set_at = now(), set_by = excluded.set_by`,
        { discard: true }
      )
    )
  }).pipe(Effect.withSpan("Prices.setAll", { attributes: { connectionId, prices: settings.length } }))

const priceColumns = (sql: SqlClient.SqlClient) => sql`
  pp.product_id AS "productId", p.product_key AS "productKey", p.name AS "productName",
  to_char(pp.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", pp.currency,
  pp.price_per_seat::float8 AS "pricePerSeat", pp.billing_period AS "billingPeriod",
  to_char(pp.renewal_date, 'YYYY-MM-DD') AS "renewalDate", pp.set_at AS "setAt", pp.set_by AS "setBy"`

/** Every price the connection ever had, per product oldest first: the history past reports are priced by. */
export const history = (
  connectionId: ConnectionId
): Effect.Effect<ReadonlyArray<Price>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: Price,
      execute: () => sql`
        SELECT ${priceColumns(sql)}
        FROM seatsync.product_price AS pp
        LEFT JOIN seatsync.product AS p ON p.connection_id = pp.connection_id AND p.product_id = pp.product_id
        WHERE pp.connection_id = ${connectionId}
        ORDER BY pp.product_id, pp.effective_from`
    })(undefined)
  ).pipe(Effect.withSpan("Prices.history", { attributes: { connectionId } }))

/** The price in force on `day` (`YYYY-MM-DD`) per product that has one: the latest that took effect by then. */
export const inForce = (
  connectionId: ConnectionId,
  day: string
): Effect.Effect<ReadonlyArray<Price>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: Price,
      execute: () => sql`
        SELECT DISTINCT ON (pp.product_id) ${priceColumns(sql)}
        FROM seatsync.product_price AS pp
        LEFT JOIN seatsync.product AS p ON p.connection_id = pp.connection_id AND p.product_id = pp.product_id
        WHERE pp.connection_id = ${connectionId} AND pp.effective_from <= ${day}::date
        ORDER BY pp.product_id, pp.effective_from DESC`
    })(undefined)
  ).pipe(Effect.withSpan("Prices.inForce", { attributes: { connectionId, day } }))

/** A live product a price can be set for: how a finance team names it (its id, or its key when unique). */
export const PricedProduct = Schema.Struct({
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  capacity: Schema.NullOr(Schema.Int),
  plan: Schema.NullOr(Schema.String)
})
export type PricedProduct = typeof PricedProduct.Type

/** The connection's live products, by key then id: the rows of a price sheet. */
export const products = (
  connectionId: ConnectionId
): Effect.Effect<ReadonlyArray<PricedProduct>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: PricedProduct,
      execute: () => sql`
        SELECT product_id AS "productId", product_key AS "productKey", name AS "productName", capacity, plan
        FROM seatsync.product
        WHERE connection_id = ${connectionId} AND deleted_at IS NULL
        ORDER BY product_key, product_id`
    })(undefined)
  ).pipe(Effect.withSpan("Prices.products", { attributes: { connectionId } }))

/**
 * The live products a name given by a person means: the product with that id, else every product with that
 * key (one is an answer; several means the key is ambiguous and the id must be given).
 */
export const productsNamed = (
  all: ReadonlyArray<PricedProduct>,
  name: string
): ReadonlyArray<PricedProduct> => {
  const byId = all.filter((product) => product.productId === name)
  return byId.length > 0 ? byId : all.filter((product) => product.productKey === name)
}

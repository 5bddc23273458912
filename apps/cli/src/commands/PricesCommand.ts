/**
 * `seatsync prices set | list | import <connection>`: what a seat of each product costs, as the finance team
 * says — set one price, list the prices in force (or their history, or the sheet to fill in as CSV), import
 * a filled-in sheet. Parsing and rendering only: the prices and their history live in `@seatsync/store`.
 */
import { userInfo } from "node:os"
import { Args, Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Connections, Database, Prices } from "@seatsync/store"
import { ConnectionNotFound } from "@seatsync/sync"
import { Clock, Console, Effect, Option } from "effect"
import { withErrorReport } from "../ErrorReport.js"
import { resolvePrice } from "../prices/PriceInput.js"
import { historyTable, priceTable, termsText } from "../prices/PriceList.js"
import { readSheet, sheetCsv } from "../prices/PriceSheet.js"
import { UsageError } from "../UsageError.js"

const connectionArg = Args.text({ name: "connection" }).pipe(
  Args.withDescription("The connection whose prices these are (see `seatsync connections list`).")
)

/** Who set a price: the OS user running the CLI, when there is one. */
const setBy = (): string | null => {
  try {
    return userInfo().username || null
  } catch {
    return null
  }
}

const today = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis).toISOString().slice(0, 10))

/** The named connection and its live products, or `ConnectionNotFound`. */
const connectionNamed = (name: string) =>
  Effect.gen(function* () {
    const found = yield* Connections.findByName(name)
    if (Option.isNone(found)) return yield* new ConnectionNotFound({ connection: name })
    const products = yield* Prices.products(found.value.id)
    return { connection: found.value, products }
  })

const product = Options.text("product").pipe(
  Options.withDescription(
    "The product: its id, or its key (jira-software, confluence, …) when the connection has it once."
  )
)
const price = Options.text("price").pipe(
  Options.withDescription(
    "The price of one seat per billing period, a number such as 7.75 (no currency sign)."
  )
)
const currency = Options.text("currency").pipe(
  Options.withDescription("The ISO 4217 currency code: USD, EUR, GBP, …")
)
const period = Options.choice("period", Prices.BillingPeriod.literals).pipe(
  Options.withDescription("monthly (the price is per seat per month) or annual (per seat per year).")
)
const renewal = Options.text("renewal").pipe(
  Options.optional,
  Options.withDescription("An annual plan's renewal day, YYYY-MM-DD (required with --period annual).")
)
const from = Options.text("from").pipe(
  Options.optional,
  Options.withDescription(
    "The first day the price applies, YYYY-MM-DD (default today); earlier days keep the price before it."
  )
)

const set = Command.make(
  "set",
  { connection: connectionArg, product, price, currency, period, renewal, from },
  (args) =>
    Effect.gen(function* () {
      const { connection, products } = yield* connectionNamed(args.connection)
      const resolved = resolvePrice(
        {
          product: args.product,
          pricePerSeat: args.price,
          currency: args.currency,
          billingPeriod: args.period,
          renewalDate: Option.getOrElse(args.renewal, () => ""),
          effectiveFrom: Option.getOrElse(args.from, () => "")
        },
        products,
        { today: yield* today, setBy: setBy() }
      )
      if ("error" in resolved) return yield* new UsageError({ field: "prices set", reason: resolved.error })
      yield* Prices.set(connection.id, resolved.setting)
      const [stored] = (yield* Prices.history(connection.id)).filter(
        (row) =>
          row.productId === resolved.setting.productId && row.effectiveFrom === resolved.setting.effectiveFrom
      )
      yield* Console.log(
        `Set the price of ${resolved.product.productKey} (${resolved.product.productName}) for ${connection.name} from ${resolved.setting.effectiveFrom}: ${stored === undefined ? "" : termsText(stored)}.`
      )
    }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Set what one seat of a product costs, from a day on (default today); the price before it keeps applying to earlier days.\n\n" +
      "Examples:\n" +
      "  seatsync prices set acme --product jira-software --price 7.75 --currency USD --period monthly\n" +
      "  seatsync prices set acme --product confluence --price 60 --currency EUR --period annual --renewal 2027-03-01"
  )
)

const history = Options.boolean("history").pipe(
  Options.withDescription("List every price each product has had, oldest first, with who set it and when.")
)
const format = Options.choice("format", ["table", "csv"] as const).pipe(
  Options.withDefault("table" as const),
  Options.withDescription(
    "table (default) or csv: the price sheet to fill in and import, one row per product (unpriced ones left blank)."
  )
)

const list = Command.make("list", { connection: connectionArg, history, format }, (args) =>
  Effect.gen(function* () {
    const { connection, products } = yield* connectionNamed(args.connection)
    const day = yield* today
    const inForce = yield* Prices.inForce(connection.id, day)
    const sheet = products.map((row) => ({
      product: row,
      price: inForce.find((price) => price.productId === row.productId)
    }))
    if (args.format === "csv") {
      const text = sheetCsv(sheet)
      yield* Console.log(text.endsWith("\n") ? text.slice(0, -1) : text)
      return
    }
    if (args.history) {
      yield* Console.log(historyTable(connection.name, yield* Prices.history(connection.id)))
      return
    }
    const gone = inForce.filter((price) => !products.some((row) => row.productId === price.productId))
    yield* Console.log(priceTable(connection.name, day, sheet, gone))
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "List the price in force today for every product of a connection (unknown where none is set), its history, or the sheet to fill in as CSV.\n\n" +
      "Examples:\n" +
      "  seatsync prices list acme\n" +
      "  seatsync prices list acme --history\n" +
      "  seatsync prices list acme --format csv > prices.csv"
  )
)

const file = Args.file({ name: "file", exists: "yes" }).pipe(
  Args.withDescription(
    "A CSV with the header product,price_per_seat,currency,billing_period,renewal_date,effective_from (as `prices list --format csv` writes it)."
  )
)

/** At most this many mistakes are listed; the count says how many more. */
const mistakesShown = 10

const importPrices = Command.make("import", { connection: connectionArg, file }, (args) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs
      .readFileString(args.file)
      .pipe(
        Effect.mapError(
          (error) =>
            new UsageError({ field: "file", reason: `could not read ${args.file} (${error.message})` })
        )
      )
    const sheet = readSheet(text)
    if ("error" in sheet) return yield* new UsageError({ field: args.file, reason: sheet.error })
    if (sheet.rows.length === 0) {
      return yield* new UsageError({
        field: args.file,
        reason: "no row has a price_per_seat; nothing to import"
      })
    }
    const { connection, products } = yield* connectionNamed(args.connection)
    const options = { today: yield* today, setBy: setBy() }
    const resolved = sheet.rows.map((row) => ({
      line: row.line,
      result: resolvePrice(row, products, options)
    }))
    const mistakes = resolved.flatMap(({ line, result }) =>
      "error" in result ? [`line ${line}: ${result.error}`] : []
    )
    if (mistakes.length > 0) {
      const more = mistakes.length - mistakesShown
      return yield* new UsageError({
        field: args.file,
        reason: `nothing imported; ${mistakes.slice(0, mistakesShown).join("; ")}${more > 0 ? `; and ${more} more` : ""}`
      })
    }
    const settings = resolved.flatMap(({ result }) => ("setting" in result ? [result] : []))
    const keys = settings.map(({ setting }) => `${setting.productId} ${setting.effectiveFrom}`)
    const twice = keys.find((key, index) => keys.indexOf(key) !== index)
    if (twice !== undefined) {
      return yield* new UsageError({
        field: args.file,
        reason: `nothing imported; two rows price the same product from the same day (${twice})`
      })
    }
    yield* Prices.setAll(
      connection.id,
      settings.map(({ setting }) => setting)
    )
    yield* Console.log(
      [
        `Imported ${settings.length} price${settings.length === 1 ? "" : "s"} for ${connection.name}:`,
        ...settings.map(
          ({ setting, product: priced }) =>
            `  ${priced.productKey} (${priced.productName}) from ${setting.effectiveFrom}: ${setting.pricePerSeat} ${setting.currency} ${setting.billingPeriod}${setting.renewalDate === null ? "" : `, renews ${setting.renewalDate}`}`
        )
      ].join("\n")
    )
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Import a filled-in price sheet (CSV): every row checked first, then all stored in one transaction, or none. Rows with a blank price are skipped.\n\n" +
      "Examples:\n" +
      "  seatsync prices list acme --format csv > prices.csv   # fill in price_per_seat, currency, …\n" +
      "  seatsync prices import acme prices.csv"
  )
)

export const pricesCommand = Command.make("prices").pipe(
  Command.withDescription(
    "What a seat of each product costs a connection: set a price, list the prices (or their history, or the sheet to fill in), import a sheet. Reports show the cost of an unpriced product as unknown, never as 0.\n\n" +
      "Examples:\n" +
      "  seatsync prices set acme --product jira-software --price 7.75 --currency USD --period monthly\n" +
      "  seatsync prices list acme\n" +
      "  seatsync prices import acme prices.csv"
  ),
  Command.withSubcommands([set, list, importPrices])
)

/**
 * The price sheet: the CSV a finance team fills in and `seatsync prices import` reads — one row per product,
 * `product,price_per_seat,currency,billing_period,renewal_date,effective_from` — and how `prices list`
 * writes it, every live product listed (an unpriced one with its price left blank) with its key, name and
 * purchased seats for the reader (ignored on import), so that the file it writes is the file to fill in
 * (pure).
 */
import type { Prices } from "@seatsync/store"
import { type Column, csvOf } from "../report/Csv.js"
import { type CsvRecord, readCsv } from "./CsvReader.js"

/** The sheet's columns, in order. `product` is a product id, or a product key the connection has once. */
export const sheetHeader = [
  "product",
  "price_per_seat",
  "currency",
  "billing_period",
  "renewal_date",
  "effective_from"
] as const

/** Columns `prices list --format csv` adds for the person filling the sheet in; an import ignores them. */
export const informationalColumns = ["product_key", "product_name", "purchased"] as const

/** One filled-in row, as read: still to be resolved (the product) and checked (the terms). */
export interface SheetRow {
  readonly line: number
  readonly product: string
  readonly pricePerSeat: string
  readonly currency: string
  readonly billingPeriod: string
  readonly renewalDate: string
  readonly effectiveFrom: string
}

/** A product of the sheet, with the price in force (if any). */
export interface SheetProduct {
  readonly product: Prices.PricedProduct
  readonly price: Prices.Price | undefined
}

/**
 * The rows of a sheet, or why it cannot be read. The header must name the six columns (in any order;
 * `renewal_date` and `effective_from` may be left out); rows whose price is blank are skipped (a product
 * nobody priced yet stays unpriced).
 */
export const readSheet = (
  text: string
): { readonly rows: ReadonlyArray<SheetRow> } | { readonly error: string } => {
  const read = readCsv(text)
  if ("error" in read) return read
  const [header, ...records] = read.records
  if (header === undefined)
    return { error: `the file is empty; its first line is the header ${sheetHeader.join(",")}` }
  const names = header.fields.map((name) => name.toLowerCase())
  const required = ["product", "price_per_seat", "currency", "billing_period"]
  const missing = required.filter((name) => !names.includes(name))
  if (missing.length > 0) {
    return {
      error: `line ${header.line}: the header lacks ${missing.join(", ")}; it is ${sheetHeader.join(",")} (write one with \`seatsync prices list <connection> --format csv\`)`
    }
  }
  const known: ReadonlyArray<string> = [...sheetHeader, ...informationalColumns]
  const unknown = names.filter((name) => !known.includes(name))
  if (unknown.length > 0) {
    return {
      error: `line ${header.line}: unknown column ${unknown.join(", ")}; the columns are ${sheetHeader.join(",")}`
    }
  }
  const cell = (record: CsvRecord, name: string) => {
    const index = names.indexOf(name)
    return index < 0 ? "" : (record.fields[index] ?? "")
  }
  const rows = records
    .map(
      (record): SheetRow => ({
        line: record.line,
        product: cell(record, "product"),
        pricePerSeat: cell(record, "price_per_seat"),
        currency: cell(record, "currency"),
        billingPeriod: cell(record, "billing_period"),
        renewalDate: cell(record, "renewal_date"),
        effectiveFrom: cell(record, "effective_from")
      })
    )
    .filter((row) => row.pricePerSeat !== "")
  return { rows }
}

/** A price as the sheet spells it: `7.75`, without trailing zeros. */
export const priceText = (price: number): string => String(price)

const sheetColumns: ReadonlyArray<Column<SheetProduct>> = [
  ["product", ({ product }) => product.productId],
  ["product_key", ({ product }) => product.productKey],
  ["product_name", ({ product }) => product.productName],
  ["purchased", ({ product }) => product.capacity],
  ["price_per_seat", ({ price }) => (price === undefined ? null : priceText(price.pricePerSeat))],
  ["currency", ({ price }) => price?.currency ?? null],
  ["billing_period", ({ price }) => price?.billingPeriod ?? null],
  ["renewal_date", ({ price }) => price?.renewalDate ?? null],
  ["effective_from", ({ price }) => price?.effectiveFrom ?? null]
]

/** The sheet to fill in: one row per live product, its price in force or blanks. */
export const sheetCsv = (products: ReadonlyArray<SheetProduct>): string => csvOf(sheetColumns, products)

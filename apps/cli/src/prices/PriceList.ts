/**
 * `seatsync prices list` as a table (pure): per live product the price in force and its terms, or
 * "unknown" — an unpriced product has an unknown cost, not a cost of 0 — and with `--history` every price
 * each product has had, oldest first.
 */
import type { Prices } from "@seatsync/store"
import { renderTable } from "../report/Table.js"
import { productLabel } from "../report/ValueText.js"
import { priceText, type SheetProduct } from "./PriceSheet.js"

/** `7.75 USD per seat per month`, `86 EUR per seat per year, renews 2027-03-01`. */
export const termsText = (price: Prices.Price): string =>
  `${priceText(price.pricePerSeat)} ${price.currency} per seat per ${price.billingPeriod === "monthly" ? "month" : "year"}${
    price.renewalDate === null ? "" : `, renews ${price.renewalDate}`
  }`

const labelOf = (price: Prices.Price) =>
  price.productKey === null || price.productName === null
    ? `${price.productId} (no longer synced)`
    : productLabel({ productKey: price.productKey, productName: price.productName })

/** The prices in force on `day`, every live product listed; then prices kept for products gone since. */
export const priceTable = (
  connection: string,
  day: string,
  products: ReadonlyArray<SheetProduct>,
  gone: ReadonlyArray<Prices.Price>
): string => {
  if (products.length === 0 && gone.length === 0) {
    return `${connection} has no products yet: run \`seatsync sync ${connection}\` first, then set their prices.`
  }
  const table = renderTable(
    [
      { header: "product", maxWidth: 40 },
      { header: "price in force" },
      { header: "since" },
      { header: "set by", maxWidth: 24 }
    ],
    [
      ...products.map(({ product, price }) => [
        productLabel(product),
        price === undefined ? "unknown (no price set)" : termsText(price),
        price?.effectiveFrom ?? "–",
        price?.setBy ?? "–"
      ]),
      ...gone.map((price) => [labelOf(price), termsText(price), price.effectiveFrom, price.setBy ?? "–"])
    ]
  )
  const unpriced = products.filter((row) => row.price === undefined).length
  return [
    `Prices of ${connection} in force on ${day}`,
    "",
    table,
    "",
    unpriced === 0
      ? "every product has a price"
      : `${unpriced} product${unpriced === 1 ? " has" : "s have"} no price: their cost shows as unknown. Fill in \`seatsync prices list ${connection} --format csv\` and import it.`
  ].join("\n")
}

/** Every price ever set, per product oldest first. */
export const historyTable = (connection: string, history: ReadonlyArray<Prices.Price>): string =>
  history.length === 0
    ? `No prices set for ${connection} yet.`
    : [
        `Price history of ${connection}`,
        "",
        renderTable(
          [
            { header: "product", maxWidth: 40 },
            { header: "from" },
            { header: "price" },
            { header: "set at" },
            { header: "set by", maxWidth: 24 }
          ],
          history.map((price) => [
            labelOf(price),
            price.effectiveFrom,
            termsText(price),
            price.setAt.toISOString().slice(0, 16).replace("T", " "),
            price.setBy ?? "–"
          ])
        )
      ].join("\n")

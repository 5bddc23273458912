/**
 * From what a person typed or filled in to a price the store accepts (pure): the product named by id or by
 * a key the connection has once, the price as a number, the currency and period in either case, the first
 * day today unless given — and, when something is wrong, one sentence saying what and where.
 */
import { Prices } from "@seatsync/store"
import { Either, Schema } from "effect"

/** The terms as typed: every field text, blanks for what was left out. */
export interface TypedPrice {
  readonly product: string
  readonly pricePerSeat: string
  readonly currency: string
  readonly billingPeriod: string
  readonly renewalDate: string
  readonly effectiveFrom: string
}

/** What the typed price means, or why it means nothing yet. */
export type Resolved =
  | { readonly setting: Prices.PriceSetting; readonly product: Prices.PricedProduct }
  | { readonly error: string }

const productList = (products: ReadonlyArray<Prices.PricedProduct>) =>
  products.map((product) => `${product.productKey} ${product.productId}`).join("; ")

/** Resolves one typed price against the connection's live products; `today` is the default first day. */
export const resolvePrice = (
  typed: TypedPrice,
  products: ReadonlyArray<Prices.PricedProduct>,
  options: { readonly today: string; readonly setBy: string | null }
): Resolved => {
  const named = Prices.productsNamed(products, typed.product.trim())
  if (typed.product.trim() === "") return { error: "the product is missing: give its id or key" }
  if (named.length === 0) {
    return {
      error:
        products.length === 0
          ? `there is no product ${typed.product} (the connection has no products yet: sync it first)`
          : `there is no product ${typed.product}; the connection's products are: ${productList(products)}`
    }
  }
  const [product] = named
  if (product === undefined || named.length > 1) {
    return {
      error: `${typed.product} names ${named.length} products; give the product id instead: ${productList(named)}`
    }
  }
  const priceText = typed.pricePerSeat.trim()
  const pricePerSeat = /^\d+(\.\d+)?$/.test(priceText) ? Number(priceText) : Number.NaN
  if (Number.isNaN(pricePerSeat)) {
    return {
      error: `"${typed.pricePerSeat}" is not a price per seat: a number such as 7.75 (no currency sign)`
    }
  }
  const setting = {
    productId: product.productId,
    effectiveFrom: typed.effectiveFrom.trim() === "" ? options.today : typed.effectiveFrom.trim(),
    // usd is USD; anything else is kept as typed, so that the sentence quotes what the person wrote.
    currency: /^[a-z]{3}$/i.test(typed.currency.trim())
      ? typed.currency.trim().toUpperCase()
      : typed.currency,
    pricePerSeat,
    billingPeriod: typed.billingPeriod.trim().toLowerCase(),
    renewalDate: typed.renewalDate.trim() === "" ? null : typed.renewalDate.trim(),
    setBy: options.setBy
  }
  const decoded = Schema.decodeUnknownEither(Prices.PriceSetting)(setting)
  return Either.isRight(decoded)
    ? { setting: decoded.right, product }
    : { error: Prices.check(setting) ?? decoded.left.message }
}

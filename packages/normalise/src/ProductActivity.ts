/**
 * The canonical product activity (user × product last active) with where it came from — and the transforms
 * from the three sources: the users-search `productAccess` expand, the per-user `last-active-dates` endpoint
 * and the v1 managed-accounts list.
 */
import type { DirectoryUser, LastActiveDates, ManagedAccount } from "@seatsync/atlassian-client"
import { Schema } from "effect"
import { instant, text } from "./internal/text.js"
import type { ProductIndex } from "./ProductIndex.js"
import { Rejected } from "./Rejected.js"

export const ActivitySource = Schema.Literal("bulk_expand", "per_user", "v1_managed")
export type ActivitySource = typeof ActivitySource.Type

export class ProductActivity extends Schema.Class<ProductActivity>("ProductActivity")({
  accountId: Schema.NonEmptyTrimmedString,
  productId: Schema.NonEmptyTrimmedString,
  /** When the user last used the product; null means "never active" (a real answer, unlike no row at all). */
  lastActiveAt: Schema.NullOr(Schema.DateFromSelf),
  source: ActivitySource,
  /** When seatsync read this value. */
  observedAt: Schema.DateFromSelf
}) {}

/** Activities and the entries that could not become one. */
export interface ActivityResult {
  readonly activities: ReadonlyArray<ProductActivity>
  readonly rejected: ReadonlyArray<Rejected>
}

const collect = (
  accountId: string | null,
  source: ActivitySource,
  observedAt: Date,
  entries: ReadonlyArray<{
    readonly productId: string | undefined
    readonly at: string | undefined
    readonly record: unknown
    readonly label: string
  }>
): ActivityResult => {
  const activities = new Map<string, ProductActivity>()
  const rejected: Array<Rejected> = []
  for (const entry of entries) {
    const at = instant(entry.at)
    const reason =
      accountId === null
        ? "accountId is missing"
        : entry.productId === undefined
          ? `product ${entry.label} is not a product of the organisation`
          : at === undefined
            ? `last active is not a date: ${entry.at}`
            : undefined
    if (reason !== undefined || accountId === null || entry.productId === undefined || at === undefined) {
      rejected.push(
        new Rejected({
          entity: "product_activity",
          sourceKey: accountId,
          reason: reason ?? "",
          record: entry.record
        })
      )
      continue
    }
    const previous = activities.get(entry.productId)
    // The same product twice: keep the latest activity.
    if (previous?.lastActiveAt != null && (at === null || at <= previous.lastActiveAt)) continue
    // Every field is checked above (trimmed account id, a product id the index resolved, a parsed instant),
    // so the constructor's own check is skipped: one per activity row, it was most of this loop's cost.
    activities.set(
      entry.productId,
      new ProductActivity(
        { accountId, productId: entry.productId, lastActiveAt: at, source, observedAt },
        true
      )
    )
  }
  return { activities: [...activities.values()], rejected }
}

/** From a directory user searched with `expand: productAccess`; a product without a timestamp was never used. */
export const activityFromDirectoryUser = (
  user: DirectoryUser,
  products: ProductIndex,
  observedAt: Date
): ActivityResult =>
  collect(
    text(user.accountId),
    "bulk_expand",
    observedAt,
    (user.productAccess ?? []).map((access) => {
      const id = text(access.id)
      return {
        productId: id === null ? undefined : products.resolve(id, access.key),
        at: access.lastActiveTimestamp,
        record: access,
        label: id ?? access.key ?? "(no id)"
      }
    })
  )

/**
 * From one user's `last-active-dates`. The endpoint omits products never used, so each product the user holds
 * (`heldProductIds`) but the answer does not list is recorded as never active.
 */
export const activityFromLastActiveDates = (
  accountId: string,
  dates: LastActiveDates,
  products: ProductIndex,
  observedAt: Date,
  heldProductIds: ReadonlyArray<string> = []
): ActivityResult => {
  const result = collect(
    text(accountId),
    "per_user",
    observedAt,
    dates.product_access.map((access) => ({
      productId: products.resolve(access.id, access.key),
      at: access.last_active_timestamp ?? access.last_active,
      record: access,
      label: access.id
    }))
  )
  const seen = new Set(result.activities.map((activity) => activity.productId))
  const account = text(accountId)
  const never =
    account === null
      ? []
      : [...new Set(heldProductIds)]
          .filter((productId) => !seen.has(productId))
          .map(
            (productId) =>
              new ProductActivity({
                accountId: account,
                productId,
                lastActiveAt: null,
                source: "per_user",
                observedAt
              })
          )
  return { activities: [...result.activities, ...never], rejected: result.rejected }
}

/** From a v1 managed account: products are named by key and site URL, resolved through the index. */
export const activityFromManagedAccount = (
  account: ManagedAccount,
  products: ProductIndex,
  observedAt: Date
): ActivityResult =>
  collect(
    text(account.account_id),
    "v1_managed",
    observedAt,
    (account.product_access ?? []).map((access) => ({
      productId: access.url === undefined ? undefined : products.resolveByUrl(access.key, access.url),
      at: access.last_active,
      record: access,
      label: `${access.key} at ${access.url ?? "(no url)"}`
    }))
  )

/** `GET /v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates`: per-product last activity of one user. */
import { Schema } from "effect"
import { V1ProductKey } from "./ManagedAccounts.js"

export const ProductLastActive = Schema.Struct({
  /** The product instance ARI, e.g. `ari:cloud:confluence::site/<cloudId>`. */
  id: Schema.String,
  key: V1ProductKey,
  /** `yyyy-MM-dd`, UTC. */
  last_active: Schema.optional(Schema.String),
  last_active_timestamp: Schema.optional(Schema.String)
})
export type ProductLastActive = typeof ProductLastActive.Type

export const LastActiveDates = Schema.Struct({
  product_access: Schema.Array(ProductLastActive),
  added_to_org: Schema.optional(Schema.NullOr(Schema.String)),
  added_to_org_timestamp: Schema.optional(Schema.NullOr(Schema.String))
})
export type LastActiveDates = typeof LastActiveDates.Type

export const LastActiveDatesPage = Schema.Struct({
  data: Schema.optional(LastActiveDates),
  links: Schema.optional(Schema.Struct({ next: Schema.optional(Schema.String) }))
})
export type LastActiveDatesPage = typeof LastActiveDatesPage.Type

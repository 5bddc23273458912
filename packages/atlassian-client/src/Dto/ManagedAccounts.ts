/** v1 managed-account DTOs: `User`, `Product` and `UserPage` of `GET /v1/orgs/{orgId}/users`. */
import { Schema } from "effect"
import { LinkPageModel } from "./Links.js"

/** The v1 product keys (the OpenAPI enum of `Product.key` and `UserProductLastActive.key`). */
export const V1ProductKey = Schema.Literal(
  "jira-software",
  "jira-service-desk",
  "jira-core",
  "jira-ops",
  "stride",
  "hipchat",
  "confluence",
  "bitbucket",
  "trello",
  "opsgenie",
  "statuspage"
)
export type V1ProductKey = typeof V1ProductKey.Type

export const ManagedAccountProduct = Schema.Struct({
  key: V1ProductKey,
  name: Schema.String,
  url: Schema.optional(Schema.String),
  last_active: Schema.optional(Schema.String)
})
export type ManagedAccountProduct = typeof ManagedAccountProduct.Type

/** A managed account: one whose email domain the organisation verified. */
export const ManagedAccount = Schema.Struct({
  account_id: Schema.String,
  account_type: Schema.Literal("atlassian", "customer", "app"),
  account_status: Schema.Literal("active", "inactive", "closed"),
  name: Schema.String,
  picture: Schema.String,
  email: Schema.optional(Schema.String),
  /** Billable in Atlassian Guard Standard. */
  access_billable: Schema.optional(Schema.Boolean),
  last_active: Schema.optional(Schema.String),
  product_access: Schema.optional(Schema.Array(ManagedAccountProduct)),
  links: Schema.optional(Schema.Struct({ self: Schema.String }))
})
export type ManagedAccount = typeof ManagedAccount.Type

export const ManagedAccountPage = Schema.Struct({
  data: Schema.optional(Schema.Array(ManagedAccount)),
  links: Schema.optional(LinkPageModel),
  meta: Schema.optional(Schema.Struct({ total: Schema.optional(Schema.Int) }))
})
export type ManagedAccountPage = typeof ManagedAccountPage.Type

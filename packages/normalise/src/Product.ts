/**
 * The canonical product: one workspace (a Jira or Confluence site, a Bitbucket workspace, …) with its product
 * key, plan and seat capacity, keyed by its ARI — and the transform from a v2 `Workspace`.
 */
import type { Workspace } from "@seatsync/atlassian-client"
import { Either, Schema } from "effect"
import { parseAri } from "./Ari.js"
import { text } from "./internal/text.js"
import { Rejected } from "./Rejected.js"

export class Product extends Schema.Class<Product>("Product")({
  /** The workspace ARI, e.g. `ari:cloud:jira-software::site/<cloudId>`: the natural key. */
  productId: Schema.NonEmptyTrimmedString,
  /** `jira-software`, `confluence`, … (`typeKey`, else `type`, else the ARI's product). */
  productKey: Schema.String,
  /** The site's cloudId (the ARI's last segment). */
  cloudId: Schema.String,
  name: Schema.String,
  /** `https://acme.atlassian.net`, when Atlassian says. */
  url: Schema.NullOr(Schema.String),
  /** Maximum seats, when licence data is available. */
  capacity: Schema.NullOr(Schema.Int),
  /** The entitlement's plan (`FREE`, `STANDARD`, `PREMIUM`, …), when a relationship carries one. */
  plan: Schema.NullOr(Schema.String),
  /** `online | offline | deprecated`. */
  status: Schema.NullOr(Schema.String)
}) {}

/** The first `attributes.plan` of any relationship entry (entitlements carry it; names are undocumented). */
const planOf = (workspace: Workspace): string | null => {
  for (const related of Object.values(workspace.relationships ?? {})) {
    for (const entry of related) {
      const plan = entry.attributes?.plan
      if (typeof plan === "string" && plan.trim() !== "") return plan.trim()
    }
  }
  return null
}

/** Normalises one workspace; one without an ARI id is rejected. */
export const productFromWorkspace = (workspace: Workspace): Either.Either<Product, Rejected> => {
  const productId = text(workspace.id)
  const ari = productId === null ? undefined : parseAri(productId)
  if (productId === null || ari === undefined) {
    return Either.left(
      new Rejected({
        entity: "product",
        sourceKey: productId,
        reason: productId === null ? "id is missing" : `id is not an ARI: ${productId}`,
        record: workspace
      })
    )
  }
  const attributes = workspace.attributes
  const capacity = attributes?.capacity
  return Either.right(
    new Product({
      productId,
      productKey: text(attributes?.typeKey) ?? text(workspace.type) ?? ari.productKey,
      cloudId: ari.cloudId,
      name: text(attributes?.name) ?? productId,
      url: text(attributes?.hostUrl ?? undefined),
      capacity: typeof capacity === "number" && Number.isInteger(capacity) ? capacity : null,
      plan: planOf(workspace),
      status: attributes?.status ?? null
    })
  )
}

/**
 * Exact Jira seat counts from a site's `/rest/api/3/applicationrole`, read with the connection's optional
 * Jira site credentials. The workspaces listing gives a seat `capacity` only for some products (Atlassian
 * documents it for Bitbucket and "may also be populated" for others); where a Jira application role on the
 * connection's site names the product, its `numberOfSeats` — the licence's maximum — is the capacity the
 * ledger uses. Unlimited licences keep whatever the workspace said.
 */
import { type JiraApplicationRole, SiteClient } from "@seatsync/atlassian-client"
import { Product } from "@seatsync/normalise"
import { Effect, type Redacted } from "effect"

/** The seats a site reports: its cloudId (to match products) and its Jira application roles. */
export interface SiteSeats {
  readonly cloudId: string
  readonly roles: ReadonlyArray<JiraApplicationRole>
}

/** Reads a site's cloudId and Jira application roles with a Jira administrator's email and API token. */
export const readSiteSeats = (
  siteUrl: string,
  credentials: { readonly email: string; readonly apiToken: Redacted.Redacted<string> }
): Effect.Effect<SiteSeats, SiteClient.SiteError, SiteClient.SiteClient> =>
  Effect.gen(function* () {
    const site = yield* SiteClient.SiteClient
    const [cloudId, roles] = yield* Effect.all(
      [site.cloudId(siteUrl), site.jiraApplicationRoles(siteUrl, credentials)],
      { concurrency: 2 }
    )
    return { cloudId, roles }
  })

/** The products with the capacity of every Jira product on the site replaced by its licence's seats. */
export const applySiteSeats = (products: ReadonlyArray<Product>, seats: SiteSeats): ReadonlyArray<Product> =>
  products.map((product) => {
    if (product.cloudId !== seats.cloudId) return product
    const role = seats.roles.find((candidate) => candidate.key === product.productKey)
    if (role === undefined || role.hasUnlimitedSeats === true || role.numberOfSeats === undefined)
      return product
    if (product.capacity === role.numberOfSeats) return product
    return new Product({ ...product, capacity: role.numberOfSeats })
  })

/**
 * Renders the organisation's product instances as `WorkspaceModel`s (rendered once per organisation and
 * reused): ARI ids, site attributes, `capacity` where the document allows it (Bitbucket always, sited
 * products when licence data is available, never Trello), `usage` for Bitbucket only, and an entitlement.
 */
import type { Product } from "./Model.js"
import type { Organisation } from "./Organisation.js"
import { draw } from "./Prng.js"

/** Seat tiers a licence is sold in; capacity is the smallest tier with ~10 % headroom over the seats used. */
const seatTiers = [
  10, 25, 50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000, 5000,
  7500, 10000, 15000, 20000, 25000, 30000, 40000, 50000, 75000, 100000, 150000, 200000
]
export const seatCapacity = (used: number): number =>
  seatTiers.find((tier) => tier >= Math.ceil(used * 1.1)) ?? Math.ceil((used * 1.1) / 10000) * 10000

const families: Record<Product["key"], string> = {
  "jira-software": "jira",
  "jira-servicedesk": "jira",
  confluence: "confluence",
  bitbucket: "bitbucket",
  opsgenie: "opsgenie",
  statuspage: "statuspage",
  trello: "trello"
}

const planKeys: Record<Product["key"], string> = {
  "jira-software": "jira-software.ondemand",
  "jira-servicedesk": "jira-servicedesk.ondemand",
  confluence: "confluence.ondemand",
  bitbucket: "bitbucket",
  opsgenie: "opsgenie",
  statuspage: "statuspage",
  trello: "trello"
}

export interface RenderedWorkspace {
  readonly product: Product
  readonly json: Record<string, unknown>
}

export const renderWorkspaces = (
  organisation: Organisation,
  adminBaseUrl: string
): ReadonlyArray<RenderedWorkspace> => {
  const tables = organisation.tables()
  const creator =
    organisation.userCount > 0 ? `ari:cloud:identity::user/${organisation.user(0).accountId}` : null
  return organisation.products.map((product) => {
    const site = organisation.sites.find((candidate) => candidate.cloudId === product.cloudId)
    const host = new URL(product.hostUrl)
    const name = product.sited
      ? (site?.name ?? host.hostname)
      : (host.pathname.split("/").filter(Boolean).pop() ?? host.hostname.split(".")[0] ?? "")
    const eu = product.sited && (site?.name.endsWith("-eu") ?? false)
    const sandbox = product.sited && (site?.name.endsWith("-sandbox") ?? false)
    const seatsUsed = tables.billableUsers.get(product.resourceId) ?? 0
    const attributes: Record<string, unknown> = {
      name,
      typeKey: product.key,
      type: families[product.key],
      owner: null,
      status: "online",
      statusDetails: [],
      icons: {},
      avatars: {},
      labels: sandbox ? ["sandbox"] : [],
      sandbox: { type: sandbox ? "CHILD" : "NONE" },
      hostUrl: product.hostUrl,
      realm: eu ? "EU" : "US",
      regions: [eu ? "eu-central-1" : "us-east-1"]
    }
    if (product.key === "bitbucket") attributes.usage = tables.usersWithAccess.get(product.resourceId) ?? 0
    if (product.reportsCapacity) attributes.capacity = seatCapacity(seatsUsed)
    if (product.sited) {
      attributes.createdAt = product.createdAt
      if (creator !== null) attributes.createdBy = creator
    }
    const entitlementId = draw(organisation.seed, "entitlement", product.position).uuid("id")
    return {
      product,
      json: {
        id: product.resourceId,
        type: "workspaces",
        attributes,
        links: {
          self: `${adminBaseUrl}/v2/orgs/${organisation.orgId}/workspaces/${encodeURIComponent(product.resourceId)}`
        },
        relationships: {
          entitlements: [
            {
              id: entitlementId,
              type: "entitlement",
              attributes: {
                key: product.key,
                plan: product.plan,
                planKey: `${planKeys[product.key]}.${product.plan.toLowerCase()}`
              }
            }
          ]
        }
      }
    }
  })
}

/**
 * The two site-level endpoints seatsync reads, served on the same port outside `/admin`:
 * `GET /_edge/tenant_info` (no auth) and Jira's `GET /rest/api/3/applicationrole` (HTTP basic auth of a
 * site admin's email and API token). The site is the one whose host name matches the `Host` header, else
 * the first site.
 */
import type { SimulatorRequest } from "./Exchange.js"
import { failure, type OperationResult, ok } from "./Exchange.js"
import type { Site } from "./Model.js"
import type { Organisation } from "./Organisation.js"
import { seatCapacity } from "./WorkspaceView.js"

/** The basic-auth credentials `GET /rest/api/3/applicationrole` accepts. */
export interface SiteCredentials {
  readonly email: string
  readonly apiToken: string
}

export const defaultSiteCredentials: SiteCredentials = {
  email: "site-admin@simulator.example",
  apiToken: "seatsync-simulator-site-token"
}

/** The site addressed by the `Host` header (`acme.atlassian.net[:port]`), falling back to the first site. */
export const siteFor = (organisation: Organisation, hostHeader: string | undefined): Site | undefined => {
  const host = hostHeader?.trim().toLowerCase().replace(/:\d+$/, "")
  return organisation.sites.find((site) => new URL(site.hostUrl).hostname === host) ?? organisation.sites[0]
}

export const getTenantInfo = (organisation: Organisation, request: SimulatorRequest): OperationResult => {
  const site = siteFor(organisation, request.headers.host)
  return site === undefined ? failure(404, "No such site.") : ok({ cloudId: site.cloudId })
}

/** Whether the `Authorization` header carries these basic-auth credentials. */
export const basicAuthMatches = (header: string | undefined, credentials: SiteCredentials): boolean => {
  const match = header === undefined ? null : /^Basic\s+(\S+)$/i.exec(header.trim())
  if (match?.[1] === undefined) return false
  const decoded = Buffer.from(match[1], "base64").toString("utf8")
  return decoded === `${credentials.email}:${credentials.apiToken}`
}

const jiraRoles = [
  { key: "jira-software", name: "Jira" },
  { key: "jira-servicedesk", name: "Jira Service Management" }
] as const

/**
 * Jira's application roles for the site's Jira products: `userCount` is the active users holding a billable
 * role on that product (the same figure as users/count with that resource, billable roles and status
 * active), `numberOfSeats` the workspace `capacity`.
 */
export const getApplicationRoles = (
  organisation: Organisation,
  request: SimulatorRequest
): OperationResult => {
  const site = siteFor(organisation, request.headers.host)
  if (site === undefined) return failure(404, "No such site.")
  const tables = organisation.tables()
  const roles = jiraRoles.flatMap(({ key, name }) => {
    const product = organisation.products.find(
      (candidate) => candidate.key === key && candidate.cloudId === site.cloudId
    )
    if (product === undefined) return []
    const userCount = tables.billableUsers.get(product.resourceId) ?? 0
    const numberOfSeats = seatCapacity(userCount)
    const groups = organisation.groups.filter((group) =>
      group.grants.some((grant) => grant.resourceId === product.resourceId)
    )
    const defaultGroups = groups.filter(
      (group) => group.kind === "product" && group.directoryId === organisation.directories[0]?.directoryId
    )
    return [
      {
        key,
        groups: groups.map((group) => group.name),
        name,
        defaultGroups: defaultGroups.map((group) => group.name),
        selectedByDefault: false,
        defined: true,
        numberOfSeats,
        remainingSeats: numberOfSeats - userCount,
        userCount,
        userCountDescription: userCount === 1 ? "user" : "users",
        hasUnlimitedSeats: false,
        platform: false
      }
    ]
  })
  return ok(roles)
}

/** `getOrgs` and `getOrgById`: the v1 organisation resources (`OrgPage`, `Org`). */
import { failure, type OperationResult, ok } from "./Exchange.js"
import type { Organisation } from "./Organisation.js"

/** The `OrgModel` of the simulated organisation; links point at the simulator's own admin base URL. */
export const orgModel = (organisation: Organisation, adminBaseUrl: string) => {
  const self = `${adminBaseUrl}/v1/orgs/${organisation.orgId}`
  return {
    id: organisation.orgId,
    type: "orgs",
    attributes: { name: organisation.name },
    relationships: {
      domains: { links: { related: `${self}/domains` } },
      users: { links: { related: `${self}/users` } }
    },
    links: { self }
  }
}

export const getOrgs = (
  organisation: Organisation,
  adminBaseUrl: string,
  query: URLSearchParams
): OperationResult => {
  // The list fits on one page, so the simulator never hands out a cursor and none is valid.
  const cursor = query.get("cursor")
  if (cursor !== null && cursor !== "") return failure(400, "Invalid page cursor", "ADMIN-400-1")
  return ok({ data: [orgModel(organisation, adminBaseUrl)], links: { self: `${adminBaseUrl}/v1/orgs` } })
}

export const getOrgById = (
  organisation: Organisation,
  adminBaseUrl: string,
  orgId: string
): OperationResult =>
  orgId === organisation.orgId
    ? ok({ data: orgModel(organisation, adminBaseUrl) })
    : failure(404, `Organization not found: ${orgId}`, "ADMIN-404-2")

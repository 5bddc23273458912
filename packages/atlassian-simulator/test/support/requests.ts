/** One representative request per operation, for tests that sweep every endpoint. */
import type { Effect } from "effect"
import type { OperationId } from "../../src/Operations.js"
import type { RunningSimulator } from "../../src/Simulator.js"
import { defaultSiteCredentials } from "../../src/SiteHandlers.js"
import { basicAuth, call, type Reply, type RequestOptions } from "./http.js"

export const siteAuth = basicAuth(defaultSiteCredentials.email, defaultSiteCredentials.apiToken)

/** A valid request of `operationId` against `sim` (user 1 / the first group where one is needed). */
export const requestFor = (
  sim: RunningSimulator,
  operationId: OperationId,
  options: RequestOptions = {}
): Effect.Effect<Reply> => {
  const org = `/admin/v1/orgs/${sim.orgId}`
  const dir = `/admin/v2/orgs/${sim.orgId}/directories/-`
  const accountId = encodeURIComponent(
    sim.organisation.user(sim.organisation.userCount > 1 ? 1 : 0).accountId
  )
  const groupId = sim.organisation.groups[0]?.id ?? "none"
  switch (operationId) {
    case "getOrgs":
      return call(sim, "/admin/v1/orgs", options)
    case "getOrgById":
      return call(sim, org, options)
    case "getUsers":
      return call(sim, `${org}/users`, options)
    case "getUserLastActiveDates":
      return call(
        sim,
        `${org}/directory/users/${encodeURIComponent(sim.organisation.user(0).accountId)}/last-active-dates`,
        options
      )
    case "getDirectoriesForOrg":
      return call(sim, `/admin/v2/orgs/${sim.orgId}/directories`, options)
    case "searchDirectoryUsers":
      return call(sim, `${dir}/users/search`, { method: "POST", body: { limit: 5 }, ...options })
    case "getDirectoryUsersCount":
      return call(sim, `${dir}/users/count`, options)
    case "getUserStats":
      return call(sim, `${dir}/users/stats`, options)
    case "getUserRoleAssignments":
      return call(sim, `${dir}/users/${accountId}/role-assignments`, options)
    case "searchDirectoryGroups":
      return call(sim, `${dir}/groups/search`, {
        method: "POST",
        body: { expand: ["counts.users"] },
        ...options
      })
    case "getGroupsCount":
      return call(sim, `${dir}/groups/count`, options)
    case "getGroupsStats":
      return call(sim, `${dir}/groups/stats`, options)
    case "getGroupRoleAssignments":
      return call(sim, `${dir}/groups/${groupId}/role-assignments`, options)
    case "queryWorkspacesV2":
      return call(sim, `/admin/v2/orgs/${sim.orgId}/workspaces`, {
        method: "POST",
        body: { limit: 5 },
        ...options
      })
    case "getTenantInfo":
      return call(sim, "/_edge/tenant_info", { apiKey: null, ...options })
    case "getApplicationRoles":
      return call(sim, "/rest/api/3/applicationrole", {
        apiKey: null,
        headers: { Authorization: siteAuth },
        ...options
      })
  }
}

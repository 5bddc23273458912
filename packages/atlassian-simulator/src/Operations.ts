/**
 * The operations the simulator implements, named by their OpenAPI operationIds (plus two site endpoints
 * that are not in that document), and the routing of a method and path to one of them, a 405 or a 404.
 */

export const operationIds = [
  "getOrgs",
  "getOrgById",
  "getUsers",
  "getUserLastActiveDates",
  "getDirectoriesForOrg",
  "searchDirectoryUsers",
  "getDirectoryUsersCount",
  "getUserStats",
  "getUserRoleAssignments",
  "searchDirectoryGroups",
  "getGroupsCount",
  "getGroupsStats",
  "getGroupRoleAssignments",
  "queryWorkspacesV2",
  "getTenantInfo",
  "getApplicationRoles"
] as const
export type OperationId = (typeof operationIds)[number]

/**
 * Which error bodies an operation answers with, as the document declares them:
 * - `v1`: `ProxyError` from the gateway (401/429/5xx), `NoPermsError` for 403, `ApplicationError` lists else;
 * - `v1-directory`: last-active-dates: `ProxyError` for 401/429, `ApplicationError` lists otherwise (403 too);
 * - `v2`: the generic `Errors` list for everything;
 * - `workspaces`: one bare `ApplicationError` (not wrapped), `ProxyError` for 401;
 * - `site`: Jira's `{"errorMessages":[…],"errors":{}}` (site endpoints are not in the admin document).
 */
export type ErrorFamily = "v1" | "v1-directory" | "v2" | "workspaces" | "site"

/** Where a route lives: under `/admin` (Bearer API key) or at the root of a site. */
export type Surface = "admin" | "site"

export interface Route {
  readonly operationId: OperationId
  readonly method: "GET" | "POST"
  /** The OpenAPI path template, e.g. `/v1/orgs/{orgId}` (admin routes: relative to `/admin`). */
  readonly template: string
  readonly family: ErrorFamily
  readonly surface: Surface
}

const directoryPath = "/v2/orgs/{orgId}/directories/{directoryId}"

export const routes: ReadonlyArray<Route> = [
  { operationId: "getOrgs", method: "GET", template: "/v1/orgs", family: "v1", surface: "admin" },
  { operationId: "getOrgById", method: "GET", template: "/v1/orgs/{orgId}", family: "v1", surface: "admin" },
  {
    operationId: "getUsers",
    method: "GET",
    template: "/v1/orgs/{orgId}/users",
    family: "v1",
    surface: "admin"
  },
  {
    // The document gives this operation no operationId; the name is jira.js's.
    operationId: "getUserLastActiveDates",
    method: "GET",
    template: "/v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates",
    family: "v1-directory",
    surface: "admin"
  },
  {
    operationId: "getDirectoriesForOrg",
    method: "GET",
    template: "/v2/orgs/{orgId}/directories",
    family: "v2",
    surface: "admin"
  },
  {
    operationId: "searchDirectoryUsers",
    method: "POST",
    template: `${directoryPath}/users/search`,
    family: "v2",
    surface: "admin"
  },
  {
    operationId: "getDirectoryUsersCount",
    method: "GET",
    template: `${directoryPath}/users/count`,
    family: "v2",
    surface: "admin"
  },
  {
    operationId: "getUserStats",
    method: "GET",
    template: `${directoryPath}/users/stats`,
    family: "v2",
    surface: "admin"
  },
  {
    operationId: "getUserRoleAssignments",
    method: "GET",
    template: `${directoryPath}/users/{accountId}/role-assignments`,
    family: "v2",
    surface: "admin"
  },
  {
    operationId: "searchDirectoryGroups",
    method: "POST",
    template: `${directoryPath}/groups/search`,
    family: "v2",
    surface: "admin"
  },
  {
    operationId: "getGroupsCount",
    method: "GET",
    template: `${directoryPath}/groups/count`,
    family: "v2",
    surface: "admin"
  },
  {
    operationId: "getGroupsStats",
    method: "GET",
    template: `${directoryPath}/groups/stats`,
    family: "v2",
    surface: "admin"
  },
  {
    operationId: "getGroupRoleAssignments",
    method: "GET",
    template: `${directoryPath}/groups/{groupId}/role-assignments`,
    family: "v2",
    surface: "admin"
  },
  {
    operationId: "queryWorkspacesV2",
    method: "POST",
    template: "/v2/orgs/{orgId}/workspaces",
    family: "workspaces",
    surface: "admin"
  },
  {
    operationId: "getTenantInfo",
    method: "GET",
    template: "/_edge/tenant_info",
    family: "site",
    surface: "site"
  },
  {
    operationId: "getApplicationRoles",
    method: "GET",
    template: "/rest/api/3/applicationrole",
    family: "site",
    surface: "site"
  }
]

const routeByOperation = new Map(routes.map((route) => [route.operationId, route]))

export const routeOf = (operationId: OperationId): Route => routeByOperation.get(operationId)!

export const errorFamily = (operationId: OperationId): ErrorFamily => routeOf(operationId).family

export const adminPrefix = "/admin"

export type RouteMatch =
  | {
      readonly _tag: "Matched"
      readonly operationId: OperationId
      readonly params: Readonly<Record<string, string>>
    }
  | { readonly _tag: "MethodNotAllowed"; readonly allow: ReadonlyArray<string> }
  | { readonly _tag: "NotFound" }

/** Matches one path against a template; path parameters are percent-decoded. */
const matchTemplate = (
  template: string,
  segments: ReadonlyArray<string>
): Record<string, string> | undefined => {
  const parts = template.split("/").slice(1)
  if (parts.length !== segments.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    const segment = segments[i]!
    if (part.startsWith("{")) {
      if (segment === "") return undefined
      try {
        params[part.slice(1, -1)] = decodeURIComponent(segment)
      } catch {
        return undefined
      }
    } else if (part !== segment) return undefined
  }
  return params
}

export const matchRoute = (method: string, path: string): RouteMatch => {
  const surface: Surface = path.startsWith(`${adminPrefix}/`) ? "admin" : "site"
  const relative = surface === "admin" ? path.slice(adminPrefix.length) : path
  const segments = relative.replace(/\/+$/, "").split("/").slice(1)
  const allow: Array<string> = []
  for (const route of routes) {
    if (route.surface !== surface) continue
    const params = matchTemplate(route.template, segments)
    if (params === undefined) continue
    if (route.method === method.toUpperCase())
      return { _tag: "Matched", operationId: route.operationId, params }
    allow.push(route.method)
  }
  return allow.length > 0 ? { _tag: "MethodNotAllowed", allow } : { _tag: "NotFound" }
}

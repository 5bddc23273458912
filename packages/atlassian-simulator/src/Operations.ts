/**
 * The operations the simulator implements, named by their OpenAPI operationIds, and the routing of a
 * method and path (under `/admin`) to one of them, a 405 or a 404.
 */

export const operationIds = ["getOrgs", "getOrgById", "getDirectoriesForOrg", "searchDirectoryUsers"] as const
export type OperationId = (typeof operationIds)[number]

/** v1 operations answer errors in the v1 styles (ProxyError, ApplicationError); v2 ones with `Errors`. */
export type ErrorFamily = "v1" | "v2"

interface Route {
  readonly operationId: OperationId
  readonly method: "GET" | "POST"
  /** The OpenAPI path template, e.g. `/v1/orgs/{orgId}`. */
  readonly template: string
  readonly family: ErrorFamily
}

export const routes: ReadonlyArray<Route> = [
  { operationId: "getOrgs", method: "GET", template: "/v1/orgs", family: "v1" },
  { operationId: "getOrgById", method: "GET", template: "/v1/orgs/{orgId}", family: "v1" },
  {
    operationId: "getDirectoriesForOrg",
    method: "GET",
    template: "/v2/orgs/{orgId}/directories",
    family: "v2"
  },
  {
    operationId: "searchDirectoryUsers",
    method: "POST",
    template: "/v2/orgs/{orgId}/directories/{directoryId}/users/search",
    family: "v2"
  }
]

export const errorFamily = (operationId: OperationId): ErrorFamily =>
  routes.find((route) => route.operationId === operationId)?.family ?? "v2"

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
  if (!path.startsWith(`${adminPrefix}/`)) return { _tag: "NotFound" }
  const segments = path.slice(adminPrefix.length).replace(/\/+$/, "").split("/").slice(1)
  const allow: Array<string> = []
  for (const route of routes) {
    const params = matchTemplate(route.template, segments)
    if (params === undefined) continue
    if (route.method === method.toUpperCase())
      return { _tag: "Matched", operationId: route.operationId, params }
    allow.push(route.method)
  }
  return allow.length > 0 ? { _tag: "MethodNotAllowed", allow } : { _tag: "NotFound" }
}

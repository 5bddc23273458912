/**
 * The endpoint table: every Admin API request the client can send, written once. The client builds its
 * paths from these entries (`path`), the read-only guard allows exactly these entries (`match`), and the
 * paginators take their page kind and largest page size from them, so an endpoint cannot be callable and
 * refused, or allowed and unused.
 */

/** The methods of the Admin API's read operations; the only POSTs are documented searches. */
export type Method = "GET" | "POST"

/**
 * How an endpoint's pages are walked (each kind is one paginator of `Pagination`):
 * - `none`: a single answer;
 * - `v1Link`: the `cursor` query parameter, read back from the `links.next` URL;
 * - `v1Token`: the `cursor` query parameter, `links.next` is the bare token, one record per page;
 * - `v2Query`: GET; the first page sends filters and `limit`, later pages only `cursor`;
 * - `v2Search`: POST; every page sends the filters and `limit`, later pages add `cursor` to the body;
 * - `v2CursorOnly`: POST; the first page sends `limit` and the query, later pages only `cursor`.
 */
export type PageKind = "none" | "v1Link" | "v1Token" | "v2Query" | "v2Search" | "v2CursorOnly"

/** The names of a template's `{parameters}`, e.g. `"orgId" | "accountId"`. */
export type ParamName<Template extends string> = Template extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamName<Rest>
  : never

/** The values a template's parameters take; each becomes exactly one path segment. */
export type PathParams<Template extends string> = { readonly [Name in ParamName<Template>]: string }

export interface Endpoint<Template extends string = string, Kind extends PageKind = PageKind> {
  readonly method: Method
  /** Relative to the Admin API base URL (`https://api.atlassian.com/admin`), `{name}` for a parameter. */
  readonly template: Template
  /** `METHOD /template`: how errors and spans name the endpoint. */
  readonly name: string
  readonly pages: Kind
  /** The largest page size the endpoint accepts, and the one used unless a caller asks for less. */
  readonly maxPageSize: Kind extends "v2Query" | "v2Search" | "v2CursorOnly" ? number : undefined
  /** Calls drawn from a dedicated, slower budget (`last-active-dates`: 200 per minute per organisation). */
  readonly budget: "general" | "lastActive"
  /** A 404 without an Atlassian error code means the organisation itself is unknown. */
  readonly notFoundMeansOrg: boolean
}

const entry = <const Template extends string, const Kind extends PageKind>(definition: {
  readonly method: Method
  readonly template: Template
  readonly pages: Kind
  readonly maxPageSize: Endpoint<Template, Kind>["maxPageSize"]
  readonly budget?: "general" | "lastActive"
  readonly notFoundMeansOrg?: boolean
}): Endpoint<Template, Kind> => ({
  method: definition.method,
  template: definition.template,
  name: `${definition.method} ${definition.template}`,
  pages: definition.pages,
  maxPageSize: definition.maxPageSize,
  budget: definition.budget ?? "general",
  notFoundMeansOrg: definition.notFoundMeansOrg ?? false
})

/** `GET /v1/orgs`: the organisations the key can see. */
export const orgs = entry({ method: "GET", template: "/v1/orgs", pages: "v1Link", maxPageSize: undefined })

/** `GET /v1/orgs/{orgId}`: one organisation. */
export const org = entry({
  method: "GET",
  template: "/v1/orgs/{orgId}",
  pages: "none",
  maxPageSize: undefined,
  notFoundMeansOrg: true
})

/** `GET /v1/orgs/{orgId}/users`: the managed accounts, with Guard billing. */
export const managedAccounts = entry({
  method: "GET",
  template: "/v1/orgs/{orgId}/users",
  pages: "v1Link",
  maxPageSize: undefined
})

/** `GET …/directory/users/{accountId}/last-active-dates`: one user's last activity per product. */
export const lastActiveDates = entry({
  method: "GET",
  template: "/v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates",
  pages: "v1Token",
  maxPageSize: undefined,
  budget: "lastActive"
})

/** `GET /v2/orgs/{orgId}/directories`: the user directories. */
export const directories = entry({
  method: "GET",
  template: "/v2/orgs/{orgId}/directories",
  pages: "v2Query",
  maxPageSize: 100
})

/** `POST …/directories/{directoryId}/users/search`: users by filter, with `expand`. */
export const usersSearch = entry({
  method: "POST",
  template: "/v2/orgs/{orgId}/directories/{directoryId}/users/search",
  pages: "v2Search",
  maxPageSize: 100
})

/** `GET …/directories/{directoryId}/users/count`. */
export const usersCount = entry({
  method: "GET",
  template: "/v2/orgs/{orgId}/directories/{directoryId}/users/count",
  pages: "none",
  maxPageSize: undefined
})

/** `GET …/directories/{directoryId}/users/stats`. */
export const usersStats = entry({
  method: "GET",
  template: "/v2/orgs/{orgId}/directories/{directoryId}/users/stats",
  pages: "none",
  maxPageSize: undefined
})

/** `GET …/directories/{directoryId}/users/{accountId}/role-assignments`. */
export const userRoleAssignments = entry({
  method: "GET",
  template: "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/role-assignments",
  pages: "v2Query",
  maxPageSize: 100
})

/** `POST …/directories/{directoryId}/groups/search`: groups by filter. */
export const groupsSearch = entry({
  method: "POST",
  template: "/v2/orgs/{orgId}/directories/{directoryId}/groups/search",
  pages: "v2Search",
  maxPageSize: 100
})

/** `GET …/directories/{directoryId}/groups/count`. */
export const groupsCount = entry({
  method: "GET",
  template: "/v2/orgs/{orgId}/directories/{directoryId}/groups/count",
  pages: "none",
  maxPageSize: undefined
})

/** `GET …/directories/{directoryId}/groups/stats`. */
export const groupsStats = entry({
  method: "GET",
  template: "/v2/orgs/{orgId}/directories/{directoryId}/groups/stats",
  pages: "none",
  maxPageSize: undefined
})

/** `GET …/directories/{directoryId}/groups/{groupId}/role-assignments`. */
export const groupRoleAssignments = entry({
  method: "GET",
  template: "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments",
  pages: "v2Query",
  maxPageSize: 100
})

/** `POST /v2/orgs/{orgId}/workspaces`: the product instances (sites, workspaces). */
export const workspaces = entry({
  method: "POST",
  template: "/v2/orgs/{orgId}/workspaces",
  pages: "v2CursorOnly",
  maxPageSize: 1000
})

/**
 * The whole table. The deprecated v2 `GET …/users` and `GET …/groups` lists (they stop working on
 * 2027-06-30) are deliberately absent, so they are refused.
 */
export const all: ReadonlyArray<Endpoint> = [
  orgs,
  org,
  managedAccounts,
  lastActiveDates,
  directories,
  usersSearch,
  usersCount,
  usersStats,
  userRoleAssignments,
  groupsSearch,
  groupsCount,
  groupsStats,
  groupRoleAssignments,
  workspaces
]

const parameter = /^\{([^{}/]+)\}$/

/**
 * The concrete path of an endpoint: each parameter URI-encoded into one segment. Only a template of the
 * table can be filled in, with exactly its parameters; a value that is empty, `.` or `..` still yields a
 * path, which the read-only guard then refuses.
 */
export const path = <Template extends string>(
  endpoint: Endpoint<Template>,
  params: PathParams<Template>
): string => {
  const values: Readonly<Partial<Record<string, string>>> = params
  return endpoint.template
    .split("/")
    .map((segment) => {
      const name = parameter.exec(segment)?.[1]
      return name === undefined ? segment : encodeURIComponent(values[name] ?? "")
    })
    .join("/")
}

/** One segment filled in for a parameter: non-empty, and not a dot segment (`.`, `..`, `%2e`, …). */
const isParameterValue = (segment: string) => {
  if (segment === "") return false
  let decoded: string
  try {
    decoded = decodeURIComponent(segment)
  } catch {
    return false
  }
  return decoded !== "." && decoded !== ".."
}

/** Whether `method path` (a path relative to the base URL, without query) is a request for `endpoint`. */
export const matches = (endpoint: Endpoint, method: string, path: string): boolean => {
  if (method !== endpoint.method) return false
  const expected = endpoint.template.split("/")
  const actual = path.split("/")
  if (actual.length !== expected.length) return false
  return expected.every((segment, index) => {
    const value = actual[index] ?? ""
    return parameter.test(segment) ? isParameterValue(value) : value === segment
  })
}

/** The table entry `method path` requests, if any: the read-only guard's whole allow-list. */
export const match = (method: string, path: string): Endpoint | undefined =>
  all.find((endpoint) => matches(endpoint, method, path))

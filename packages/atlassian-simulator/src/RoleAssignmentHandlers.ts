/**
 * `getUserRoleAssignments` and `getGroupRoleAssignments`: which resources a user (and how: direct,
 * group_direct, inferred) or a group holds roles on, with the documented filters and cursor/limit paging
 * (a cursor discards every other parameter).
 */
import { Either, Schema } from "effect"
import { decodeCursor, encodeCursor } from "./Cursor.js"
import { failure, type OperationResult, ok } from "./Exchange.js"
import type { Group, RoleAssignmentMethod, SimulatedUser } from "./Model.js"
import type { Organisation } from "./Organisation.js"
import { orgResourceId, resourceOwnerOf, siteResourceId } from "./ProductKeys.js"
import { decodeParams, limitParam } from "./QueryParams.js"
import { RoleIdSchema } from "./UserSearchRequest.js"

const boundedList = <A, I>(item: Schema.Schema<A, I>, max: number) =>
  Schema.Array(item).pipe(Schema.minItems(1), Schema.maxItems(max))

export const RoleAssignmentQuery = Schema.Struct({
  directoryIds: Schema.optional(boundedList(Schema.String, 10)),
  resourceOwners: Schema.optional(boundedList(Schema.String, 10)),
  resourceIds: Schema.optional(boundedList(Schema.String, 20)),
  roleIds: Schema.optional(boundedList(RoleIdSchema, 10))
})
export type RoleAssignmentQuery = typeof RoleAssignmentQuery.Type
const isRoleAssignmentQuery = Schema.is(RoleAssignmentQuery)

const shape = {
  lists: ["directoryIds", "resourceOwners", "resourceIds", "roleIds"],
  strings: [],
  booleans: []
}

interface Assignment {
  readonly resourceId: string
  readonly directoryId: string | null
  readonly roles: ReadonlyArray<{
    readonly role: string
    readonly methods: ReadonlyArray<RoleAssignmentMethod>
  }>
}

/** Applies the filters; `roleIds` also narrows each item's roles to the requested ones. */
const filterAssignments = (items: ReadonlyArray<Assignment>, query: RoleAssignmentQuery) =>
  items.flatMap((item) => {
    if (
      query.directoryIds !== undefined &&
      (item.directoryId === null || !query.directoryIds.includes(item.directoryId))
    )
      return []
    if (query.resourceIds !== undefined && !query.resourceIds.includes(item.resourceId)) return []
    if (
      query.resourceOwners !== undefined &&
      !query.resourceOwners.includes(resourceOwnerOf(item.resourceId))
    )
      return []
    const roleIds: ReadonlyArray<string> | undefined = query.roleIds
    const roles =
      roleIds === undefined ? item.roles : item.roles.filter((role) => roleIds.includes(role.role))
    return roles.length === 0 ? [] : [{ ...item, roles }]
  })

/** Parses the query (or the cursor that carries it) and slices one page of `items`. */
const pageOf = <A>(
  scope: string,
  params: URLSearchParams,
  items: (query: RoleAssignmentQuery) => ReadonlyArray<A>
): OperationResult => {
  let query: RoleAssignmentQuery
  let limit: number
  let position = 0
  const cursor = params.get("cursor")
  if (cursor !== null) {
    // "If present, all other parameters are discarded."
    const state = decodeCursor(cursor, scope, isRoleAssignmentQuery)
    if (state === undefined) return failure(400, "Invalid page cursor", "ADMIN-400-1")
    query = state.query
    limit = state.limit
    position = state.position
  } else {
    const parsedLimit = limitParam(params.get("limit"), 20)
    if (Either.isLeft(parsedLimit)) return failure(400, parsedLimit.left)
    const parsed = decodeParams(params, shape, RoleAssignmentQuery)
    if (Either.isLeft(parsed)) return failure(400, parsed.left)
    query = parsed.right
    limit = parsedLimit.right
  }
  const all = items(query)
  const end = position + limit
  const self = encodeCursor({ scope, query, limit, position })
  return ok({
    data: all.slice(position, end),
    links: end < all.length ? { self, next: encodeCursor({ scope, query, limit, position: end }) } : { self }
  })
}

const checkScope = (organisation: Organisation, orgId: string, directoryId: string) => {
  if (orgId !== organisation.orgId) return failure(404, `Organization not found: ${orgId}`, "ADMIN-404-2")
  if (directoryId !== "-" && organisation.directory(directoryId) === undefined) {
    return failure(404, `Directory not found: ${directoryId}`, "ADMIN-404-1")
  }
  return undefined
}

/** Every role assignment of a user: product roles per resource, then platform roles (no directory). */
export const userAssignments = (
  organisation: Organisation,
  user: SimulatedUser
): ReadonlyArray<Assignment> => {
  const directoryId = user.directoryIds[0] ?? null
  const byResource = new Map<string, Array<{ role: string; methods: ReadonlyArray<RoleAssignmentMethod> }>>()
  for (const role of user.roles) {
    const list = byResource.get(role.resourceId) ?? []
    list.push({ role: role.role, methods: role.methods })
    byResource.set(role.resourceId, list)
  }
  const items: Array<Assignment> = [...byResource.entries()].map(([resourceId, roles]) => ({
    resourceId,
    directoryId,
    roles
  }))
  const orgResource = orgResourceId(organisation.orgId)
  const mainSite = organisation.sites[0]
  const platform = new Map<string, Array<{ role: string; methods: ReadonlyArray<RoleAssignmentMethod> }>>()
  for (const role of user.platformRoles) {
    const resourceId =
      (role === "atlassian/site-admin" || role === "atlassian/user-access-admin") && mainSite !== undefined
        ? siteResourceId(mainSite.cloudId)
        : orgResource
    // Org admins hold the role through the org-admins group.
    const method: RoleAssignmentMethod =
      role === "atlassian/org-admin" &&
      user.groupIds.includes(organisation.groups.find((g) => g.kind === "admins")?.id ?? "")
        ? "group_direct"
        : "direct"
    const list = platform.get(resourceId) ?? []
    list.push({ role, methods: [method] })
    platform.set(resourceId, list)
  }
  for (const [resourceId, roles] of platform) items.push({ resourceId, directoryId: null, roles })
  return items
}

export const getUserRoleAssignments = (
  organisation: Organisation,
  orgId: string,
  directoryId: string,
  accountId: string,
  params: URLSearchParams
): OperationResult => {
  const scopeError = checkScope(organisation, orgId, directoryId)
  if (scopeError !== undefined) return scopeError
  const index = organisation.userIndexOfAccountId(accountId)
  const user = index === undefined ? undefined : organisation.user(index)
  if (user === undefined || (directoryId !== "-" && !user.directoryIds.includes(directoryId))) {
    return failure(404, `User not found: ${accountId}`, "ADMIN-404-8")
  }
  const membership = user.directoryIds.length === 0 ? null : user.membershipStatus
  return pageOf(`getUserRoleAssignments:${orgId}:${directoryId}:${accountId}`, params, (query) =>
    filterAssignments(userAssignments(organisation, user), query).map((item) => ({
      resourceId: item.resourceId,
      resourceOwner: resourceOwnerOf(item.resourceId),
      roles: item.roles.map((role) => role.role),
      roleAssignments: item.roles.map((role) => ({
        role: role.role,
        roleAssignmentMethods: [...role.methods]
      })),
      directoryId: item.directoryId,
      userDirectoryStatus: item.directoryId === null ? null : membership
    }))
  )
}

/** A group's grants per resource; the org-admins group grants the org-admin platform role. */
export const groupAssignments = (organisation: Organisation, group: Group): ReadonlyArray<Assignment> => {
  if (group.kind === "admins") {
    return [
      {
        resourceId: orgResourceId(organisation.orgId),
        directoryId: group.directoryId,
        roles: [{ role: "atlassian/org-admin", methods: ["direct"] }]
      }
    ]
  }
  const byResource = new Map<string, Array<{ role: string; methods: ReadonlyArray<RoleAssignmentMethod> }>>()
  for (const grant of group.grants) {
    const list = byResource.get(grant.resourceId) ?? []
    list.push({ role: grant.role, methods: ["direct"] })
    byResource.set(grant.resourceId, list)
  }
  return [...byResource.entries()].map(([resourceId, roles]) => ({
    resourceId,
    directoryId: group.directoryId,
    roles
  }))
}

export const getGroupRoleAssignments = (
  organisation: Organisation,
  orgId: string,
  directoryId: string,
  groupId: string,
  params: URLSearchParams
): OperationResult => {
  const scopeError = checkScope(organisation, orgId, directoryId)
  if (scopeError !== undefined) return scopeError
  const group = organisation.group(groupId)
  if (group === undefined || (directoryId !== "-" && group.directoryId !== directoryId)) {
    return failure(404, `Group not found: ${groupId}`, "ADMIN-404-10")
  }
  return pageOf(`getGroupRoleAssignments:${orgId}:${directoryId}:${groupId}`, params, (query) =>
    filterAssignments(groupAssignments(organisation, group), query).map((item) => ({
      resourceId: item.resourceId,
      resourceOwner: resourceOwnerOf(item.resourceId),
      roles: item.roles.map((role) => role.role),
      // Product access groups are the products' default groups: joining one grants atlassian/user.
      defaultRole: group.kind === "product" ? "atlassian/user" : null
    }))
  )
}

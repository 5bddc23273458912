/**
 * `searchDirectoryGroups`, `getGroupsCount` and `getGroupsStats`: the organisation's groups filtered by
 * directory, members, grants, ids, names or a search term, optionally sorted by name, with the `counts`
 * expand read from the per-org tables.
 */
import { Either } from "effect"
import { decodeCursor, encodeCursor } from "./Cursor.js"
import { failure, type OperationResult, ok } from "./Exchange.js"
import {
  exclusionProblem,
  GroupCountQuery,
  type GroupExpand,
  type GroupQuery,
  groupQueryOf,
  isGroupQuery,
  parseGroupSearchRequest
} from "./GroupSearchRequest.js"
import type { Group } from "./Model.js"
import type { Organisation } from "./Organisation.js"
import { slicePage } from "./Paging.js"
import { resourceOwnerOf } from "./ProductKeys.js"
import { decodeParams } from "./QueryParams.js"
import { groupAssignments } from "./RoleAssignmentHandlers.js"

export const defaultGroupSearchLimit = 20

type GroupFilter = Omit<GroupQuery, "expand" | "sortBy">

const checkScope = (organisation: Organisation, orgId: string, directoryId: string) => {
  if (orgId !== organisation.orgId) return failure(404, `Organization not found: ${orgId}`, "ADMIN-404-2")
  if (directoryId !== "-" && organisation.directory(directoryId) === undefined) {
    return failure(404, `Directory not found: ${directoryId}`, "ADMIN-404-1")
  }
  return undefined
}

/** A predicate for one query: look-ups (members' groups, grants) are prepared once per request. */
export const groupMatcher = (organisation: Organisation, query: GroupFilter, directoryId: string) => {
  const memberOf =
    query.accountIds === undefined
      ? undefined
      : new Set(
          query.accountIds.flatMap((accountId) => {
            const index = organisation.userIndexOfAccountId(accountId)
            return index === undefined ? [] : organisation.user(index).groupIds
          })
        )
  const names = query.groupNames?.map((name) => name.toLowerCase())
  const term = query.searchTerm?.toLowerCase()
  return (group: Group): boolean => {
    if (directoryId !== "-" && group.directoryId !== directoryId) return false
    if (query.directoryIds !== undefined && !query.directoryIds.includes(group.directoryId)) return false
    if (query.groupIds !== undefined && !query.groupIds.includes(group.id)) return false
    if (names !== undefined && !names.includes(group.name.toLowerCase())) return false
    if (term !== undefined && term !== "" && !group.name.toLowerCase().includes(term)) return false
    if (memberOf !== undefined && !memberOf.has(group.id)) return false
    if (
      query.resourceIds !== undefined ||
      query.resourceOwners !== undefined ||
      query.roleIds !== undefined
    ) {
      const granted = groupAssignments(organisation, group).some(
        (item) =>
          (query.resourceIds === undefined || query.resourceIds.includes(item.resourceId)) &&
          (query.resourceOwners === undefined ||
            query.resourceOwners.includes(resourceOwnerOf(item.resourceId))) &&
          (query.roleIds === undefined || item.roles.some((role) => query.roleIds?.includes(role.role)))
      )
      if (!granted) return false
    }
    return true
  }
}

/** `MultiDirectoryGroup`; `description` is left out when null (the schema does not allow null here). */
export const renderGroup = (
  organisation: Organisation,
  group: Group,
  expand: ReadonlyArray<GroupExpand>
): Record<string, unknown> => {
  const view: Record<string, unknown> = { id: group.id, name: group.name }
  if (group.description !== null) view.description = group.description
  view.directoryId = group.directoryId
  view.managementAccess = {
    deletable: !group.externalSynced && group.kind === "team",
    modifiable: !group.externalSynced,
    readable: true
  }
  view.externalSynced = group.externalSynced
  view.managedBy = group.externalSynced ? "external" : "admins"
  if (expand.length > 0) {
    const counts: Record<string, number> = {}
    if (expand.includes("counts.resources")) {
      counts.resources = new Set(groupAssignments(organisation, group).map((item) => item.resourceId)).size
    }
    if (expand.includes("counts.users")) counts.users = organisation.tables().memberCounts.get(group.id) ?? 0
    view.counts = counts
  }
  return view
}

/** Groups in result order: layout order, or by name (case-insensitive, ties by layout order). */
const makeOrders = (organisation: Organisation) => {
  const sorted = new Map<"asc" | "desc", ReadonlyArray<Group>>()
  return (direction: "asc" | "desc" | undefined): ReadonlyArray<Group> => {
    if (direction === undefined) return organisation.groups
    let order = sorted.get(direction)
    if (order === undefined) {
      const sign = direction === "asc" ? 1 : -1
      const position = new Map(organisation.groups.map((group, index) => [group.id, index]))
      order = [...organisation.groups].sort((a, b) => {
        const left = a.name.toLowerCase()
        const right = b.name.toLowerCase()
        if (left !== right) return left < right ? -sign : sign
        return (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0)
      })
      sorted.set(direction, order)
    }
    return order
  }
}

export const makeGroupHandlers = (organisation: Organisation) => {
  const orderOf = makeOrders(organisation)

  const searchDirectoryGroups = (orgId: string, directoryId: string, body: string): OperationResult => {
    const scopeError = checkScope(organisation, orgId, directoryId)
    if (scopeError !== undefined) return scopeError
    const parsed = parseGroupSearchRequest(body)
    if (Either.isLeft(parsed)) return failure(400, parsed.left)
    const request = parsed.right
    const scope = `searchDirectoryGroups:${orgId}:${directoryId}`
    let query: GroupQuery
    let limit: number
    let position = 0
    if (request.cursor !== undefined) {
      // The cursor carries the whole query; only a `limit` sent alongside it changes the page size.
      const state = decodeCursor(request.cursor, scope, isGroupQuery)
      if (state === undefined) return failure(400, "Invalid page cursor", "ADMIN-400-1")
      query = state.query
      limit = request.limit ?? state.limit
      position = state.position
    } else {
      query = groupQueryOf(request)
      limit = request.limit ?? defaultGroupSearchLimit
    }
    const groups = orderOf(query.sortBy?.[0]?.direction)
    const matches = groupMatcher(organisation, query, directoryId)
    const expand = query.expand ?? []
    const page = slicePage(
      groups.length,
      (at) => {
        const group = groups[at]!
        return matches(group) ? renderGroup(organisation, group, expand) : undefined
      },
      position,
      limit
    )
    const self = encodeCursor({ scope, query, limit, position })
    return ok({
      data: page.items,
      links:
        page.nextPosition === undefined
          ? { self }
          : { self, next: encodeCursor({ scope, query, limit, position: page.nextPosition }) }
    })
  }

  const getGroupsCount = (orgId: string, directoryId: string, params: URLSearchParams): OperationResult => {
    const scopeError = checkScope(organisation, orgId, directoryId)
    if (scopeError !== undefined) return scopeError
    const parsed = decodeParams(
      params,
      {
        lists: ["directoryIds", "accountIds", "groupIds", "resourceOwners", "resourceIds", "roleIds"],
        strings: ["searchTerm"],
        booleans: []
      },
      GroupCountQuery
    )
    if (Either.isLeft(parsed)) return failure(400, parsed.left)
    const problem = exclusionProblem(parsed.right)
    if (problem !== undefined) return failure(400, problem)
    const matches = groupMatcher(organisation, parsed.right, directoryId)
    return ok({ count: organisation.groups.filter(matches).length })
  }

  const getGroupsStats = (orgId: string, directoryId: string): OperationResult => {
    const scopeError = checkScope(organisation, orgId, directoryId)
    if (scopeError !== undefined) return scopeError
    const groups = organisation.groups.filter(
      (group) => directoryId === "-" || group.directoryId === directoryId
    )
    const synced = groups.filter((group) => group.externalSynced).length
    // Product access groups are the products' user bases; the simulator has no Teams-backed groups.
    const userBase = groups.filter((group) => group.kind === "product").length
    return ok({
      totals: { all: groups.length, managed: synced, synced },
      types: [
        { type: "TEAM", count: 0 },
        { type: "GROUP", count: groups.length - userBase },
        { type: "USERBASE_GROUP", count: userBase }
      ]
    })
  }

  return { searchDirectoryGroups, getGroupsCount, getGroupsStats }
}

/**
 * `getDirectoryUsersCount` and `getUserStats`: the users-search filters as query parameters (repeated or
 * comma-separated) counted over the same candidates, and per-role / per-account-status statistics.
 */
import { Either, Schema } from "effect"
import { failure, type OperationResult, ok } from "./Exchange.js"
import type { Organisation } from "./Organisation.js"
import { decodeParams } from "./QueryParams.js"
import type { CandidateSequence } from "./UserFilter.js"
import { matchesQuery } from "./UserFilter.js"
import { UserQuery } from "./UserSearchRequest.js"

/** The count filters: the search filters without `emails`, `expand` and `sortBy`. */
export const UserCountQuery = UserQuery.pipe(Schema.omit("emails", "expand", "sortBy"))

const countShape = {
  lists: [
    "accountIds",
    "directoryIds",
    "resourceIds",
    "groupIds",
    "status",
    "accountStatus",
    "membershipStatus",
    "roleIds",
    "emailDomains"
  ],
  strings: ["claimStatus", "searchTerm"],
  booleans: ["mfaEnabled"]
} as const

const checkScope = (organisation: Organisation, orgId: string, directoryId: string) => {
  if (orgId !== organisation.orgId) return failure(404, `Organization not found: ${orgId}`, "ADMIN-404-2")
  if (directoryId !== "-" && organisation.directory(directoryId) === undefined) {
    return failure(404, `Directory not found: ${directoryId}`, "ADMIN-404-1")
  }
  return undefined
}

/** Counting walks every candidate, so answers are cached per (directory, query). */
const maxCachedCounts = 256

export const makeUserCounter = (
  organisation: Organisation,
  candidates: (query: UserQuery) => CandidateSequence
) => {
  const cache = new Map<string, number>()
  return (orgId: string, directoryId: string, params: URLSearchParams): OperationResult => {
    const scopeError = checkScope(organisation, orgId, directoryId)
    if (scopeError !== undefined) return scopeError
    const parsed = decodeParams(params, countShape, UserCountQuery)
    if (Either.isLeft(parsed)) return failure(400, parsed.left)
    const query = parsed.right
    const key = `${directoryId} ${JSON.stringify(query)}`
    let count = cache.get(key)
    if (count === undefined) {
      count = 0
      const sequence = candidates(query)
      for (let at = 0; at < sequence.length; at++) {
        if (matchesQuery(organisation.user(sequence.userIndexAt(at)), query, directoryId)) count++
      }
      if (cache.size >= maxCachedCounts) cache.clear()
      cache.set(key, count)
    }
    return ok({ count })
  }
}

export const getUserStats = (
  organisation: Organisation,
  orgId: string,
  directoryId: string
): OperationResult => {
  const scopeError = checkScope(organisation, orgId, directoryId)
  if (scopeError !== undefined) return scopeError
  const stats = organisation.tables().userStats.get(directoryId)
  const roles = [...(stats?.roles ?? new Map<string, number>()).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([roleId, count]) => ({ roleId, count }))
  const accountStatus = (["active", "inactive", "closed"] as const).map((status) => ({
    status,
    count: stats?.accountStatus.get(status) ?? 0
  }))
  return ok({ roles, accountStatus })
}

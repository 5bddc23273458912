/**
 * Which users a search returns and in which order: the filters of `MultiDirectoryUserSearchRequest`
 * applied to simulated users, over a candidate sequence that is cheap to walk from any position.
 */
import type { PlatformRole, SimulatedUser } from "./Model.js"
import type { Organisation } from "./Organisation.js"
import type { UserQuery } from "./UserSearchRequest.js"

const platformRoleIds: ReadonlySet<string> = new Set<PlatformRole>([
  "atlassian/org-admin",
  "atlassian/site-admin",
  "atlassian/user-access-admin",
  "atlassian/ai-access"
])

const emailDomainOf = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase()

/**
 * Whether `user` matches `query` within the path's directory (`-` = every directory, including managed
 * accounts that are in none).
 */
export const matchesQuery = (user: SimulatedUser, query: UserQuery, directoryId: string): boolean => {
  if (directoryId !== "-" && !user.directoryIds.includes(directoryId)) return false
  if (query.directoryIds !== undefined && !query.directoryIds.some((id) => user.directoryIds.includes(id)))
    return false
  if (query.accountIds !== undefined && !query.accountIds.includes(user.accountId)) return false
  if (query.claimStatus !== undefined && user.claimStatus !== query.claimStatus) return false
  if (query.mfaEnabled !== undefined && user.mfaEnabled !== query.mfaEnabled) return false
  if (query.status !== undefined && !query.status.includes(user.status)) return false
  if (query.accountStatus !== undefined && !query.accountStatus.includes(user.accountStatus)) return false
  if (query.membershipStatus !== undefined && !query.membershipStatus.includes(user.membershipStatus))
    return false
  if (query.emails !== undefined) {
    const email = user.email?.toLowerCase()
    if (email === undefined || !query.emails.some((candidate) => candidate.toLowerCase() === email))
      return false
  }
  if (query.emailDomains !== undefined) {
    if (user.email === undefined) return false
    const domain = emailDomainOf(user.email)
    if (!query.emailDomains.some((candidate) => candidate.replace(/^@/, "").toLowerCase() === domain))
      return false
  }
  if (query.searchTerm !== undefined && query.searchTerm !== "") {
    const term = query.searchTerm.toLowerCase()
    const inNickname = user.nickname.toLowerCase().includes(term)
    if (!inNickname && !(user.email?.toLowerCase().includes(term) ?? false)) return false
  }
  if (query.groupIds !== undefined && !query.groupIds.some((id) => user.groupIds.includes(id))) return false
  if (query.resourceIds !== undefined || query.roleIds !== undefined) {
    const resources = query.resourceIds
    const roleIds: ReadonlyArray<string> | undefined = query.roleIds
    const productRole = user.roles.some(
      (role) =>
        (resources === undefined || resources.includes(role.resourceId)) &&
        (roleIds === undefined || roleIds.includes(role.role))
    )
    // Platform roles are org-wide, so they only answer a roleIds filter that names no resource.
    const platformRole =
      resources === undefined &&
      roleIds !== undefined &&
      user.platformRoles.some((role) => platformRoleIds.has(role) && roleIds.includes(role))
    if (!productRole && !platformRole) return false
  }
  return true
}

/** The users a search walks, in result order; `position` indexes into it. */
export interface CandidateSequence {
  readonly length: number
  readonly userIndexAt: (position: number) => number
}

const compareNicknames = (organisation: Organisation, direction: "asc" | "desc") => {
  const sign = direction === "asc" ? 1 : -1
  const nicknames = new Map<number, string>()
  const nicknameOf = (index: number) => {
    let nickname = nicknames.get(index)
    if (nickname === undefined) {
      nickname = organisation.user(index).nickname.toLowerCase()
      nicknames.set(index, nickname)
    }
    return nickname
  }
  return (a: number, b: number) => {
    const left = nicknameOf(a)
    const right = nicknameOf(b)
    return left < right ? -sign : left > right ? sign : a - b
  }
}

/**
 * Builds candidate sequences for one organisation. Without filters that pin users down, the sequence is
 * simply every index (O(1)); `accountIds`/`emails` narrow it via look-ups; `sortBy` sorts it (the full
 * nickname order is computed once per direction and cached).
 */
export const makeCandidates = (organisation: Organisation) => {
  const sortedOrders = new Map<"asc" | "desc", ReadonlyArray<number>>()
  const sortedOrder = (direction: "asc" | "desc") => {
    let order = sortedOrders.get(direction)
    if (order === undefined) {
      order = Array.from({ length: organisation.userCount }, (_, index) => index).sort(
        compareNicknames(organisation, direction)
      )
      sortedOrders.set(direction, order)
    }
    return order
  }

  return (query: UserQuery): CandidateSequence => {
    const direction = query.sortBy?.[0]?.direction
    let pinned: Array<number> | undefined
    if (query.accountIds !== undefined) {
      pinned = query.accountIds.flatMap((id) => {
        const index = organisation.userIndexOfAccountId(id)
        return index === undefined ? [] : [index]
      })
    } else if (query.emails !== undefined) {
      pinned = query.emails.flatMap((email) => {
        const index = organisation.userIndexOfEmail(email)
        return index === undefined ? [] : [index]
      })
    } else if (query.groupIds !== undefined) {
      // Team and admin groups list their possible members cheaply; product groups are dense, so scan.
      const groups = query.groupIds.flatMap((id) => {
        const group = organisation.group(id)
        return group === undefined ? [] : [group]
      })
      if (groups.every((group) => group.kind !== "product")) {
        pinned = groups.flatMap((group) => {
          const members = organisation.memberCandidates(group)
          return Array.from({ length: members.length }, (_, i) => members.at(i))
        })
      }
    }
    if (pinned !== undefined) {
      const unique = [...new Set(pinned)]
      const ordered =
        direction === undefined
          ? unique.sort((a, b) => a - b)
          : unique.sort(compareNicknames(organisation, direction))
      return { length: ordered.length, userIndexAt: (position) => ordered[position]! }
    }
    if (direction !== undefined) {
      const order = sortedOrder(direction)
      return { length: order.length, userIndexAt: (position) => order[position]! }
    }
    return { length: organisation.userCount, userIndexAt: (position) => position }
  }
}

/**
 * Aggregates over every user of an organisation, computed in one pass on first use and then shared by every
 * request: group member counts, seat usage per product, and the users/stats figures per directory.
 */
import type { Organisation } from "./Organisation.js"

/** Roles that consume a licence seat (admin-api.md §2.3: the others are non-billable). */
export const billableRoles: ReadonlySet<string> = new Set(["atlassian/user", "atlassian/admin"])

export interface UserStatsTable {
  /** Users holding each role (product roles on any resource, and platform roles). */
  readonly roles: ReadonlyMap<string, number>
  readonly accountStatus: ReadonlyMap<string, number>
}

export interface OrgTables {
  /** Members per group id. */
  readonly memberCounts: ReadonlyMap<string, number>
  /** Active users holding a billable role (`atlassian/user` or `atlassian/admin`) per resource id. */
  readonly billableUsers: ReadonlyMap<string, number>
  /** Users holding any role per resource id. */
  readonly usersWithAccess: ReadonlyMap<string, number>
  /** users/stats per path directory id (`-` for every directory, including managed accounts in none). */
  readonly userStats: ReadonlyMap<string, UserStatsTable>
  /** Managed accounts among the users (claimStatus `managed`). */
  readonly managedUsers: number
}

const increment = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)

export const computeTables = (organisation: Organisation): OrgTables => {
  const memberCounts = new Map<string, number>(organisation.groups.map((group) => [group.id, 0]))
  const billableUsers = new Map<string, number>()
  const usersWithAccess = new Map<string, number>()
  const statsScopes = ["-", ...organisation.directories.map((directory) => directory.directoryId)]
  const roleCounts = new Map(statsScopes.map((scope) => [scope, new Map<string, number>()]))
  const statusCounts = new Map(statsScopes.map((scope) => [scope, new Map<string, number>()]))
  let managedUsers = 0
  for (const user of organisation.users()) {
    if (user.claimStatus === "managed") managedUsers++
    for (const groupId of user.groupIds) increment(memberCounts, groupId)
    const resources = new Set<string>()
    const billableOn = new Set<string>()
    const roleIds = new Set<string>(user.platformRoles)
    for (const role of user.roles) {
      resources.add(role.resourceId)
      roleIds.add(role.role)
      if (billableRoles.has(role.role)) billableOn.add(role.resourceId)
    }
    for (const resourceId of resources) increment(usersWithAccess, resourceId)
    // Suspended and deactivated users are not billed (admin-api.md §2.3).
    if (user.status === "active") for (const resourceId of billableOn) increment(billableUsers, resourceId)
    for (const scope of ["-", ...user.directoryIds]) {
      const roles = roleCounts.get(scope)
      const statuses = statusCounts.get(scope)
      if (roles === undefined || statuses === undefined) continue
      for (const roleId of roleIds) increment(roles, roleId)
      increment(statuses, user.accountStatus)
    }
  }
  const userStats = new Map<string, UserStatsTable>(
    statsScopes.map((scope) => [
      scope,
      { roles: roleCounts.get(scope) ?? new Map(), accountStatus: statusCounts.get(scope) ?? new Map() }
    ])
  )
  return { memberCounts, billableUsers, usersWithAccess, userStats, managedUsers }
}

/**
 * Renders a simulated user as the API's `MultiDirectoryUser`: the base fields always, and each expand-only
 * field (`platformRoles`, `counts`, `productAccess`, `groups`) only when it was requested.
 */
import type { SimulatedUser } from "./Model.js"
import type { Organisation } from "./Organisation.js"
import type { UserExpand } from "./UserSearchRequest.js"

/** `directoryId` is the path's directory: `-` for all, or one directory the expand `groups` is limited to. */
export const renderUser = (
  organisation: Organisation,
  user: SimulatedUser,
  expand: ReadonlyArray<UserExpand>,
  directoryId: string
): Record<string, unknown> => {
  const view: Record<string, unknown> = {
    accountId: user.accountId,
    accountType: user.accountType,
    status: user.status,
    accountStatus: user.accountStatus,
    membershipStatus: user.membershipStatus,
    addedToOrg: user.addedToOrg,
    name: user.name,
    nickname: user.nickname
  }
  if (user.email !== undefined) view.email = user.email
  view.emailVerified = user.emailVerified
  view.claimStatus = user.claimStatus
  view.picture = user.picture
  view.avatar = user.avatar
  if (user.managementSource !== undefined) view.managementSource = user.managementSource
  view.mfaEnabled = user.mfaEnabled
  view.jobTitle = user.jobTitle
  view.department = user.department
  if (user.organization !== undefined) view.organization = user.organization
  view.location = user.location
  view.timeZone = user.timeZone

  if (expand.includes("platformRoles")) view.platformRoles = [...user.platformRoles]
  if (expand.includes("counts.resources")) {
    view.counts = { resources: new Set(user.roles.map((role) => role.resourceId)).size }
  }
  if (expand.includes("productAccess")) {
    view.productAccess = user.productAccess.map((access) =>
      access.lastActiveTimestamp === undefined
        ? { key: access.key, id: access.id }
        : { key: access.key, id: access.id, lastActiveTimestamp: access.lastActiveTimestamp }
    )
  }
  if (expand.includes("groups")) {
    view.groups = user.groupIds.flatMap((groupId) => {
      const group = organisation.group(groupId)
      if (group === undefined || (directoryId !== "-" && group.directoryId !== directoryId)) return []
      return [{ id: group.id, name: group.name, description: group.description }]
    })
  }
  return view
}

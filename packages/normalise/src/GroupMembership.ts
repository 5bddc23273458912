/** The canonical group membership (user × group), read in bulk from users searched with `expand: groups`. */
import type { DirectoryUser } from "@seatsync/atlassian-client"
import { Schema } from "effect"
import { text } from "./internal/text.js"

export class GroupMembership extends Schema.Class<GroupMembership>("GroupMembership")({
  accountId: Schema.NonEmptyTrimmedString,
  groupId: Schema.NonEmptyTrimmedString
}) {}

/** The memberships a directory user's `groups` expand lists; entries without a group id are skipped. */
export const membershipsFromDirectoryUser = (user: DirectoryUser): ReadonlyArray<GroupMembership> => {
  const accountId = text(user.accountId)
  if (accountId === null) return []
  const groupIds = new Set<string>()
  for (const group of user.groups ?? []) {
    const groupId = text(group.id)
    if (groupId !== null) groupIds.add(groupId)
  }
  // Both ids are non-empty trimmed text already (`text`), so the constructor's own check is skipped: it was
  // most of this function's cost (one per membership, about 15 per user).
  return [...groupIds].sort().map((groupId) => new GroupMembership({ accountId, groupId }, true))
}

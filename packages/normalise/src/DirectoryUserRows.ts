/**
 * Everything one directory user of the users search becomes — the user, its group memberships and its
 * last activity per product — decided together: a user that is rejected (undecodable, no usable account
 * id, a date that is not ISO-8601) yields no membership and no activity, so no live row can point at an
 * account seatsync does not store.
 */
import type { DirectoryUser, Listed } from "@seatsync/atlassian-client"
import { Either } from "effect"
import { type GroupMembership, membershipsFromDirectoryUser } from "./GroupMembership.js"
import { rejectedFromInvalidRecord } from "./ListedRecord.js"
import type { OrgUser } from "./OrgUser.js"
import { orgUserFromDirectoryUser } from "./OrgUserFromDirectoryUser.js"
import { activityFromDirectoryUser, type ProductActivity } from "./ProductActivity.js"
import type { ProductIndex } from "./ProductIndex.js"
import type { Rejected } from "./Rejected.js"

export interface DirectoryUserRows {
  readonly user: OrgUser
  readonly memberships: ReadonlyArray<GroupMembership>
  readonly activities: ReadonlyArray<ProductActivity>
  /** Product-access entries that could not become an activity (e.g. a product not in the organisation). */
  readonly rejectedActivities: ReadonlyArray<Rejected>
}

/** One listed user → its rows, or the user's rejection (and nothing that depends on it). */
export const rowsFromDirectoryUser = (
  listed: Listed<DirectoryUser>,
  products: ProductIndex,
  observedAt: Date
): Either.Either<DirectoryUserRows, Rejected> => {
  if (Either.isLeft(listed))
    return Either.left(rejectedFromInvalidRecord("org_user", "accountId", listed.left))
  const dto = listed.right
  return Either.map(orgUserFromDirectoryUser(dto), (user) => {
    const activity = activityFromDirectoryUser(dto, products, observedAt)
    return {
      user,
      memberships: membershipsFromDirectoryUser(dto),
      activities: activity.activities,
      rejectedActivities: activity.rejected
    }
  })
}

/**
 * Users, in one walk of the user search with `expand: productAccess, groups, platformRoles`: the users
 * themselves, their group memberships and their last activity per product (bulk, no per-user calls).
 */
import {
  activityFromDirectoryUser,
  membershipsFromDirectoryUser,
  orgUserFromDirectoryUser,
  type ProductIndex
} from "@seatsync/normalise"
import { Chunk, Effect, Stream } from "effect"
import { type ExtractContext, pageReporter, partition } from "./ExtractContext.js"

/** Which groups each user belongs to, to tell product roles granted by a group from direct ones. */
export type MembershipIndex = ReadonlyMap<string, ReadonlyArray<string>>

export const extractUsers = (context: ExtractContext, products: ProductIndex) =>
  Effect.gen(function* () {
    const report = pageReporter(context, "users")
    const memberships = new Map<string, ReadonlyArray<string>>()
    const source = context.client.users(context.orgId, {
      expand: ["productAccess", "groups", "platformRoles"]
    })
    // A small buffer lets the next pages download while the current ones are normalised and staged.
    yield* Stream.runForEach(Stream.chunks(source).pipe(Stream.buffer({ capacity: 4 })), (page) =>
      Effect.gen(function* () {
        const dtos = Chunk.toReadonlyArray(page)
        const users = partition(dtos.map(orgUserFromDirectoryUser))
        const groups = dtos.flatMap(membershipsFromDirectoryUser)
        const activity = dtos.map((dto) => activityFromDirectoryUser(dto, products, context.observedAt))
        for (const membership of groups) {
          memberships.set(membership.accountId, [
            ...(memberships.get(membership.accountId) ?? []),
            membership.groupId
          ])
        }
        yield* context.buffer.add("org_user", users.records)
        yield* context.buffer.add("group_membership", groups)
        yield* context.buffer.add(
          "product_activity",
          activity.flatMap((result) => result.activities)
        )
        yield* report(users.records.length, [
          ...users.rejected,
          ...activity.flatMap((result) => result.rejected)
        ])
      })
    )
    return memberships as MembershipIndex
  })

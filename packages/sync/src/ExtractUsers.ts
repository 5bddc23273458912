/**
 * Users, in one walk of the user search with `expand: productAccess, groups, platformRoles`: the users
 * themselves, their group memberships and their last activity per product (bulk, no per-user calls). Each
 * record is decoded and normalised on its own: a bad one is quarantined with its reason, the page goes on,
 * and nothing that depends on it (memberships, activity) is staged. A membership of a group the groups
 * listing quarantined is not staged either (the users listing waits for that listing's verdict before it
 * stages its first memberships). Memberships go to staging only: which roles they grant is decided in
 * PostgreSQL (`GrantMethod`), so nothing here grows with the organisation but the quarantined ids.
 */
import { type ProductIndex, rowsFromDirectoryUser } from "@seatsync/normalise"
import { Chunk, Deferred, Effect, Either, Stream } from "effect"
import { type ExtractContext, pageReporter } from "./ExtractContext.js"
import type { QuarantinedGroups } from "./ExtractGroups.js"

/** What the users listing leaves for the listings after it. */
export interface ExtractedUsers {
  /** Account ids (as the records carried them) of the users quarantined this run: their roles are not staged. */
  readonly quarantined: ReadonlySet<string>
}

export const extractUsers = (
  context: ExtractContext,
  products: ProductIndex,
  quarantinedGroups: QuarantinedGroups
) =>
  Effect.gen(function* () {
    const report = pageReporter(context, "users")
    const quarantined = new Set<string>()
    const source = context.client.userRecords(context.orgId, {
      expand: ["productAccess", "groups", "platformRoles"]
    })
    // A small buffer lets the next pages download while the current ones are normalised and staged.
    yield* Stream.runForEach(Stream.chunks(source).pipe(Stream.buffer({ capacity: 4 })), (page) =>
      Effect.gen(function* () {
        const rows = Chunk.toReadonlyArray(page).map((listed) =>
          rowsFromDirectoryUser(listed, products, context.observedAt)
        )
        const accepted = rows.filter(Either.isRight).map((row) => row.right)
        const rejected = rows.filter(Either.isLeft).map((row) => row.left)
        for (const user of rejected) if (user.sourceKey !== null) quarantined.add(user.sourceKey)
        yield* context.buffer.add(
          "org_user",
          accepted.map((row) => row.user)
        )
        const memberships = accepted.flatMap((row) => row.memberships)
        const groupsQuarantined =
          memberships.length === 0 ? undefined : yield* Deferred.await(quarantinedGroups)
        yield* context.buffer.add(
          "group_membership",
          groupsQuarantined === undefined || groupsQuarantined.size === 0
            ? memberships
            : memberships.filter((membership) => !groupsQuarantined.has(membership.groupId))
        )
        yield* context.buffer.add(
          "product_activity",
          accepted.flatMap((row) => row.activities)
        )
        yield* report(accepted.length, [...rejected, ...accepted.flatMap((row) => row.rejectedActivities)])
      })
    )
    return { quarantined } satisfies ExtractedUsers
  })

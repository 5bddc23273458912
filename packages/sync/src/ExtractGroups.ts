/**
 * Groups and what they grant: every group (staged; one that cannot be decoded or normalised is quarantined
 * and the page goes on), then each accepted group's role assignments, resolved to products, as an index
 * `product|role → groups` used to tell roles granted through a group from direct ones. A quarantined group
 * grants nothing (its role assignments are never read), and once the listing is done the ids of the
 * quarantined groups are handed to the users listing, which stages no membership of them.
 */
import { orgGroupFromDirectoryGroup, type ProductIndex, rejectedFromInvalidRecord } from "@seatsync/normalise"
import { Chunk, Deferred, Effect, Either, Stream } from "effect"
import { type ExtractContext, pageReporter, partition } from "./ExtractContext.js"

export type GroupGrants = ReadonlyMap<string, ReadonlySet<string>>

export const grantKey = (productId: string, roleId: string) => `${productId}|${roleId}`

/**
 * The ids of the groups the listing quarantined, trimmed as membership group ids are (a record that could
 * not be decoded carries its id raw), known once the whole listing has been read: the users listing waits
 * for it before staging memberships, so none of a quarantined group becomes a live row. A group quarantined
 * without a readable id cannot be named here.
 */
export type QuarantinedGroups = Deferred.Deferred<ReadonlySet<string>>

export const extractGroups = (
  context: ExtractContext,
  products: ProductIndex,
  concurrency: number,
  quarantinedGroups: QuarantinedGroups
) =>
  Effect.gen(function* () {
    const report = pageReporter(context, "groups")
    const groupIds: Array<string> = []
    const quarantined = new Set<string>()
    yield* Stream.runForEach(Stream.chunks(context.client.groupRecords(context.orgId)), (page) =>
      Effect.gen(function* () {
        const { records, rejected } = partition(
          Chunk.toReadonlyArray(page).map((listed) =>
            Either.isLeft(listed)
              ? Either.left(rejectedFromInvalidRecord("org_group", "id", listed.left))
              : orgGroupFromDirectoryGroup(listed.right)
          )
        )
        for (const group of records) groupIds.push(group.groupId)
        for (const group of rejected) if (group.sourceKey !== null) quarantined.add(group.sourceKey.trim())
        yield* context.buffer.add("org_group", records)
        yield* report(records.length, rejected)
      })
    )
    yield* Deferred.succeed(quarantinedGroups, quarantined)
    const grants = new Map<string, Set<string>>()
    const grantReport = pageReporter(context, "group grants")
    yield* Effect.forEach(
      groupIds,
      (groupId) =>
        Effect.gen(function* () {
          const assignments = yield* Stream.runCollect(
            context.client.groupRoleAssignments(context.orgId, groupId)
          )
          for (const assignment of assignments) {
            const productId =
              assignment.resourceId === undefined
                ? undefined
                : products.resolve(assignment.resourceId, assignment.resourceOwner)
            if (productId === undefined) continue
            for (const role of assignment.roles ?? []) {
              const key = grantKey(productId, role)
              grants.set(key, (grants.get(key) ?? new Set<string>()).add(groupId))
            }
          }
          yield* grantReport(1, [])
        }),
      { concurrency, discard: true }
    )
    return grants as GroupGrants
  })

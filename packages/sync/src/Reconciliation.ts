/**
 * Reconciliation: the organisation's own counts (`users/count`, `groups/count`, and `users/stats` per
 * directory), read before and after the listings, against what the run enumerated. An enumeration outside
 * [min(before, after) − tolerance, max(before, after) + tolerance] drifted: the run keeps every row of that
 * entity it did not see. The tolerance is 0 when the counts did not move during the run, else
 * max(2, ⌈0.5 % of the larger count⌉), to allow for users and groups added or removed while the run read.
 */
import type { AtlassianClientShape, AtlassianError } from "@seatsync/atlassian-client"
import type { SyncRuns } from "@seatsync/store"
import { Chunk, Effect, Stream } from "effect"

/** The counts of one moment. `undefined` for what the run does not enumerate. */
export interface OrgCounts {
  readonly users: number | undefined
  readonly groups: number | undefined
  readonly directories: ReadonlyArray<{ readonly directoryId: string; readonly users: number }>
}

/** The tolerance for counts read before and after the listings (see the module's description). */
export const tolerance = (before: number, after: number): number =>
  before === after ? 0 : Math.max(2, Math.ceil(0.005 * Math.max(before, after)))

/** Reads the counts of the entities the run enumerates: users (with per-directory stats) and groups. */
export const readOrgCounts = (
  client: AtlassianClientShape,
  orgId: string,
  enumerates: { readonly users: boolean; readonly groups: boolean }
): Effect.Effect<OrgCounts, AtlassianError> =>
  Effect.gen(function* () {
    const users = enumerates.users ? yield* client.userCount(orgId) : undefined
    const groups = enumerates.groups ? yield* client.groupCount(orgId) : undefined
    const directories = enumerates.users
      ? yield* Stream.runCollect(client.directories(orgId)).pipe(
          Effect.flatMap((all) =>
            Effect.forEach(
              Chunk.toReadonlyArray(all).flatMap((directory) =>
                directory.directoryId === undefined ? [] : [directory.directoryId]
              ),
              (directoryId) =>
                Effect.map(client.userStats(orgId, { directoryId }), (stats) => ({
                  directoryId,
                  users: (stats.accountStatus ?? []).reduce((sum, entry) => sum + (entry.count ?? 0), 0)
                }))
            )
          )
        )
      : []
    return { users, groups, directories }
  })

const entityOf = (
  before: number,
  after: number,
  listed: number,
  stored: number
): SyncRuns.EntityReconciliation => {
  const allowed = tolerance(before, after)
  return {
    expectedBefore: before,
    expectedAfter: after,
    listed,
    stored,
    tolerance: allowed,
    drift: listed < Math.min(before, after) - allowed || listed > Math.max(before, after) + allowed
  }
}

/**
 * Compares the counts with the enumeration: `stored` is what was staged per entity, `quarantined` what
 * the listing returned but could not be stored (together: what the listing returned).
 */
export const reconcile = (
  before: OrgCounts,
  after: OrgCounts,
  stored: Readonly<Partial<Record<string, number>>>,
  quarantined: Readonly<Record<string, number>>
): Omit<SyncRuns.Reconciliation, "kept"> => {
  const entities: Record<string, SyncRuns.EntityReconciliation> = {}
  const counted = [
    ["org_user", before.users, after.users],
    ["org_group", before.groups, after.groups]
  ] as const
  for (const [entity, expectedBefore, expectedAfter] of counted) {
    if (expectedBefore === undefined || expectedAfter === undefined) continue
    const staged = stored[entity] ?? 0
    entities[entity] = entityOf(expectedBefore, expectedAfter, staged + (quarantined[entity] ?? 0), staged)
  }
  const afterByDirectory = new Map(after.directories.map((entry) => [entry.directoryId, entry.users]))
  return {
    entities,
    directories: before.directories.map((entry) => ({
      directoryId: entry.directoryId,
      usersBefore: entry.users,
      usersAfter: afterByDirectory.get(entry.directoryId) ?? entry.users
    }))
  }
}

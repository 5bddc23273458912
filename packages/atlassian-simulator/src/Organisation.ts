/**
 * The seeded synthetic organisation: deterministic from its options, with users derived lazily so an
 * organisation of any size costs the same to create and `user(i)` is O(1).
 */
import { makeLayout } from "./internal/layout.js"
import { deriveUser } from "./internal/users.js"
import type { Directory, Group, Product, SimulatedUser, Site } from "./Model.js"

export interface OrganisationOptions {
  /** Everything is derived from this; default 1. */
  readonly seed?: number | undefined
  /** Number of users; default 500. */
  readonly users?: number | undefined
  /** Team groups (besides the per-product and admin groups), spread over the directories; default 12. */
  readonly teamGroups?: number | undefined
  /** Team groups each directory member joins (fewer when the directory has fewer); default 2. */
  readonly groupsPerUser?: number | undefined
  /** The "now" of the data set: join and last-active dates lie before it; default 2026-09-01T00:00:00Z. */
  readonly referenceTime?: string | undefined
}

export const defaults = {
  seed: 1,
  users: 500,
  teamGroups: 12,
  groupsPerUser: 2,
  referenceTime: "2026-09-01T00:00:00.000Z"
} as const

export interface Organisation {
  readonly seed: number
  /** A UUID derived from the seed. */
  readonly orgId: string
  readonly name: string
  readonly userCount: number
  readonly referenceTime: string
  /** Email domains the org has verified: users on them are `claimStatus: managed`. */
  readonly verifiedDomains: ReadonlyArray<string>
  /** The local directory first, then the identity-provider directory, then (for some seeds) contractors. */
  readonly directories: ReadonlyArray<Directory>
  readonly sites: ReadonlyArray<Site>
  readonly products: ReadonlyArray<Product>
  readonly groups: ReadonlyArray<Group>
  /** User number `index` (0 ≤ index < userCount); user 0 is always the active org admin. */
  readonly user: (index: number) => SimulatedUser
  /** Every user in index order, derived one at a time. */
  readonly users: () => Iterable<SimulatedUser>
  readonly directory: (directoryId: string) => Directory | undefined
  readonly group: (groupId: string) => Group | undefined
  /** The index of the user with this account id (builds an index on first use). */
  readonly userIndexOfAccountId: (accountId: string) => number | undefined
  /** The index of the user whose visible email is this (case-insensitive; builds an index on first use). */
  readonly userIndexOfEmail: (email: string) => number | undefined
}

const nonNegativeInteger = (name: string, value: number) => {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Organisation option ${name} must be a non-negative integer, got ${value}`)
  }
  return value
}

/** Builds an organisation; throws `RangeError` on an invalid option. */
export const make = (options: OrganisationOptions = {}): Organisation => {
  const seed = nonNegativeInteger("seed", options.seed ?? defaults.seed)
  const userCount = nonNegativeInteger("users", options.users ?? defaults.users)
  const teamGroups = nonNegativeInteger("teamGroups", options.teamGroups ?? defaults.teamGroups)
  const groupsPerUser = nonNegativeInteger("groupsPerUser", options.groupsPerUser ?? defaults.groupsPerUser)
  const referenceTime = options.referenceTime ?? defaults.referenceTime
  const referenceMillis = Date.parse(referenceTime)
  if (Number.isNaN(referenceMillis)) {
    throw new RangeError(
      `Organisation option referenceTime must be an ISO-8601 date-time, got ${referenceTime}`
    )
  }
  const layout = makeLayout(seed, teamGroups)
  const directoriesById = new Map(layout.directories.map((directory) => [directory.directoryId, directory]))
  const groupsById = new Map(layout.groups.map((group) => [group.id, group]))

  const user = (index: number): SimulatedUser => {
    if (!Number.isInteger(index) || index < 0 || index >= userCount) {
      throw new RangeError(`No user ${index}: the organisation has ${userCount} users`)
    }
    return deriveUser(layout, referenceMillis, groupsPerUser, index)
  }
  const users = function* () {
    for (let index = 0; index < userCount; index++)
      yield deriveUser(layout, referenceMillis, groupsPerUser, index)
  }

  // Reverse look-ups are the only O(n) structures, built lazily for accountId/email filters.
  let byAccountId: Map<string, number> | undefined
  let byEmail: Map<string, number> | undefined
  const buildIndexes = () => {
    byAccountId = new Map()
    byEmail = new Map()
    for (const each of users()) {
      byAccountId.set(each.accountId, each.index)
      if (each.email !== undefined) byEmail.set(each.email.toLowerCase(), each.index)
    }
  }

  return {
    seed,
    orgId: layout.orgId,
    name: layout.name,
    userCount,
    referenceTime: new Date(referenceMillis).toISOString(),
    verifiedDomains: layout.verifiedDomains,
    directories: layout.directories,
    sites: layout.sites,
    products: layout.products,
    groups: layout.groups,
    user,
    users,
    directory: (directoryId) => directoriesById.get(directoryId),
    group: (groupId) => groupsById.get(groupId),
    userIndexOfAccountId: (accountId) => {
      if (byAccountId === undefined) buildIndexes()
      return byAccountId?.get(accountId)
    },
    userIndexOfEmail: (email) => {
      if (byEmail === undefined) buildIndexes()
      return byEmail?.get(email.toLowerCase())
    }
  }
}

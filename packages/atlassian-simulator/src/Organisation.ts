/**
 * The seeded synthetic organisation: deterministic from its options, with users derived lazily so an
 * organisation of any size costs the same to create and `user(i)` is O(1).
 */
import { deriveExtraAccount, type ExtraAccount, extraAccountCount } from "./internal/accounts.js"
import { makeLayout } from "./internal/layout.js"
import { teamSlotCandidates } from "./internal/membership.js"
import { deriveCore, deriveUser } from "./internal/users.js"
import type { Directory, Group, Product, SimulatedUser, Site } from "./Model.js"
import { computeTables, type OrgTables } from "./OrgTables.js"

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
  /**
   * Total number of groups; overrides `teamGroups` (team groups = groups − structural groups, where the
   * structural ones are one access group per directory and user product, plus `org-admins`).
   */
  readonly groups?: number | undefined
  /**
   * Number of product instances (workspaces); default the 6–7 of the default layout. Extra ones are more
   * sited products (Jira, Confluence, JSM, Opsgenie per site), then Trello/Bitbucket/Statuspage workspaces.
   * Users hold roles on the first 20 only.
   */
  readonly products?: number | undefined
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
  /** Every product instance: what the workspaces API lists. */
  readonly products: ReadonlyArray<Product>
  /** The products users can hold roles on (the first 20 of `products`). */
  readonly userProducts: ReadonlyArray<Product>
  readonly groups: ReadonlyArray<Group>
  /** Team groups each directory member joins (as configured). */
  readonly groupsPerUser: number
  /** User number `index` (0 ≤ index < userCount); user 0 is always the active org admin. */
  readonly user: (index: number) => SimulatedUser
  /** Every user in index order, derived one at a time. */
  readonly users: () => Iterable<SimulatedUser>
  readonly directory: (directoryId: string) => Directory | undefined
  readonly group: (groupId: string) => Group | undefined
  /** The product instance with this resource id (ARI). */
  readonly product: (resourceId: string) => Product | undefined
  /** The index of the app/customer account with this account id. */
  readonly extraAccountIndexOf: (accountId: string) => number | undefined
  /** The index of the user with this account id (builds an index on first use). */
  readonly userIndexOfAccountId: (accountId: string) => number | undefined
  /** The index of the user whose visible email is this (case-insensitive; builds an index on first use). */
  readonly userIndexOfEmail: (email: string) => number | undefined
  /** The directory user `index` belongs to (cheap: a few draws, not the whole user). */
  readonly directoryIdOf: (index: number) => string | undefined
  /**
   * The user indices (ascending) that may be members of `group`, a superset that is cheap to list: exact for
   * `org-admins`, an arithmetic progression for team groups, every user for product access groups.
   * Members are the candidates whose `groupIds` contain the group.
   */
  readonly memberCandidates: (group: Group) => { readonly length: number; readonly at: (i: number) => number }
  /** Users with claimStatus `managed` (a cheap pass over a few draws per user, on first use). */
  readonly managedUserCount: () => number
  /** App and customer accounts: managed accounts that only the v1 `GET /users` lists. */
  readonly extraAccountCount: number
  readonly extraAccount: (index: number) => ExtraAccount
  /** Aggregates over every user (member counts, seat usage, statistics): one pass, on first use. */
  readonly tables: () => OrgTables
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
  const groupCount = options.groups === undefined ? undefined : nonNegativeInteger("groups", options.groups)
  const productCount =
    options.products === undefined ? undefined : nonNegativeInteger("products", options.products)
  if (productCount === 0) throw new RangeError("Organisation option products must be at least 1, got 0")
  const layout = makeLayout({
    seed,
    teamGroups,
    groups: groupCount,
    products: productCount,
    referenceMillis
  })
  const directoriesById = new Map(layout.directories.map((directory) => [directory.directoryId, directory]))
  const groupsById = new Map(layout.groups.map((group) => [group.id, group]))
  const productsById = new Map(layout.products.map((product) => [product.resourceId, product]))

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

  const everyone = { length: userCount, at: (i: number) => i }
  const memberCandidates = (group: Group) => {
    if (group.kind === "admins") return { length: userCount > 0 ? 1 : 0, at: () => 0 }
    if (group.kind === "product" || group.teamSlot === undefined) return everyone
    const teams = layout.teamGroups.get(group.directoryId)?.length ?? 0
    const candidates = teamSlotCandidates(group.teamSlot, teams, groupsPerUser, userCount)
    return { length: candidates.length, at: (i: number) => candidates[i]! }
  }
  const extras = extraAccountCount(userCount)
  let tables: OrgTables | undefined
  let managedUsers: number | undefined

  const organisation: Organisation = {
    seed,
    orgId: layout.orgId,
    name: layout.name,
    userCount,
    referenceTime: new Date(referenceMillis).toISOString(),
    verifiedDomains: layout.verifiedDomains,
    directories: layout.directories,
    sites: layout.sites,
    products: layout.products,
    userProducts: layout.userProducts,
    groups: layout.groups,
    groupsPerUser,
    user,
    users,
    directory: (directoryId) => directoriesById.get(directoryId),
    group: (groupId) => groupsById.get(groupId),
    product: (resourceId) => productsById.get(resourceId),
    extraAccountIndexOf: (accountId) => {
      for (let index = 0; index < extras; index++) {
        if (deriveExtraAccount(layout, referenceMillis, index).accountId === accountId) return index
      }
      return undefined
    },
    userIndexOfAccountId: (accountId) => {
      if (byAccountId === undefined) buildIndexes()
      return byAccountId?.get(accountId)
    },
    userIndexOfEmail: (email) => {
      if (byEmail === undefined) buildIndexes()
      return byEmail?.get(email.toLowerCase())
    },
    directoryIdOf: (index) => deriveCore(layout, index).directory?.directoryId,
    memberCandidates,
    managedUserCount: () => {
      if (managedUsers === undefined) {
        managedUsers = 0
        for (let index = 0; index < userCount; index++) {
          if (deriveCore(layout, index).claimStatus === "managed") managedUsers++
        }
      }
      return managedUsers
    },
    extraAccountCount: extras,
    extraAccount: (index) => {
      if (!Number.isInteger(index) || index < 0 || index >= extras) {
        throw new RangeError(`No extra account ${index}: the organisation has ${extras}`)
      }
      return deriveExtraAccount(layout, referenceMillis, index)
    },
    tables: () => {
      if (tables === undefined) tables = computeTables(organisation)
      return tables
    }
  }
  return organisation
}

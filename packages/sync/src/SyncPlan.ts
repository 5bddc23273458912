/**
 * `SyncPlan`: how many Admin API calls a full sync of an organisation of a given size makes, listing by
 * listing, and the least wall time the client's pacing allows for them — pure arithmetic over the counts
 * (`SyncPlanInputs` reads them). It mirrors `runSync`'s walk, in its order:
 *
 * 1. `GET /v1/orgs/{orgId}`: one call;
 * 2. the counts before the listings (`Reconciliation.readOrgCounts`): `users/count`, `groups/count`, the
 *    directories listing (pages of 100) and `users/stats` once per directory;
 * 3. the workspaces (pages of 1000);
 * 4. the user search with `expand` (pages of 100), and beside it the group search (pages of 100);
 * 5. one role-assignment listing per group (pages of 100);
 * 6. one user search per product × product role (8 roles: `roleBillability` without the platform roles
 *    org-admin, site-admin and ai-access), pages of 100;
 * 7. for a connection with Guard enabled, the v1 managed-accounts listing, walked once to count who Guard
 *    bills (its page size is the server's: 100 in our simulator, assumed so for Atlassian);
 * 8. the counts again, after the listings.
 *
 * A full sync makes no `last-active-dates` call (that is `seatsync backfill`), so the last-active budget does
 * not bound it. Every number here is a page count; retries (429s, 5xx, timeouts) are not foreseeable and come
 * on top.
 */
import type { PacingOptions } from "@seatsync/atlassian-client"
import { type KnownRoleId, roleBillability } from "@seatsync/normalise"

/**
 * The product roles the sync lists holders of: every known role but the platform roles. Kept in step with
 * `ExtractProductRoles` by the test that compares a plan with the calls a real sync makes.
 */
export const plannedProductRoleIds: ReadonlyArray<KnownRoleId> = (
  Object.keys(roleBillability) as ReadonlyArray<KnownRoleId>
).filter(
  (role) =>
    role !== "atlassian/org-admin" && role !== "atlassian/site-admin" && role !== "atlassian/ai-access"
)

/** The page sizes the sync asks for: each endpoint's largest (`Endpoints.*.maxPageSize`). */
export const plannedPageSizes = {
  directories: 100,
  users: 100,
  groups: 100,
  groupRoleAssignments: 100,
  workspaces: 1000,
  roleHolders: 100,
  /** Chosen by the server (the v1 listing takes no `limit`): our simulator's, assumed for Atlassian. */
  managedAccounts: 100
} as const

/**
 * The calls a walk of `records` records takes at `pageSize` a page. Our simulator hands out a next cursor
 * after every full page, so a total that is a multiple of the page size (0 included) ends with an empty
 * page: ⌊n / size⌋ + 1. Atlassian may stop one page earlier on an exact multiple; the plan then counts one
 * call too many for that listing, never too few.
 */
export const pagesFor = (records: number, pageSize: number): number =>
  Math.floor(Math.max(0, records) / pageSize) + 1

/** Who holds the product roles: counted per listing before the sync, or estimated (see `basis`). */
export type RoleHolders =
  /** `users/count` with `resourceIds` + `roleIds`, one per product × role listing: exact as of the reading. */
  | { readonly _tag: "Counted"; readonly perListing: ReadonlyArray<number> }
  /** The holders of every product role together, from a proxy; `basis` says which, for the reader. */
  | {
      readonly _tag: "Estimated"
      readonly total: number
      readonly basis: "previous run" | "users/stats"
    }

/** The organisation's size as the plan needs it. */
export interface OrgSize {
  /** `users/count`: what the user search lists. */
  readonly users: number
  /** `groups/count`: what the group search lists. */
  readonly groups: number
  /** The user directories (each gets one `users/stats` call before and after the listings). */
  readonly directories: number
  /** Records of the workspaces listing. */
  readonly workspaces: number
  /** The products the sync lists role holders for: the workspaces that normalise into a product. */
  readonly products: number
  readonly roleHolders: RoleHolders
  /**
   * The managed accounts the Guard walk lists, for a connection with Guard enabled; undefined otherwise (no
   * walk). `basis`: the last run's walk, or `users/count` with `claimStatus: managed` (a lower bound: the v1
   * listing also holds app and customer accounts).
   */
  readonly managedAccounts?:
    | { readonly count: number; readonly basis: "previous run" | "users/count" }
    | undefined
}

/** One line of the plan: a kind of request, how many listings of it and how many calls they take. */
export interface PlannedListing {
  readonly name: string
  /** How many separate listings (walks) of this kind the sync makes. */
  readonly listings: number
  readonly calls: number
  /** False where the calls rest on an estimate rather than a count read before the sync. */
  readonly exact: boolean
}

/** What pace the estimate assumes: the client's pacing in force. */
export interface PlannedPacing {
  readonly requestsPerSecond: number
  readonly burst: number
  readonly lastActivePerMinute: number
  /** Whether the client switches to the limit the server states (`X-RateLimit-Limit`) once it sees one. */
  readonly followServerLimit: boolean
}

export interface SyncPlan {
  readonly listings: ReadonlyArray<PlannedListing>
  readonly totalCalls: number
  /** Calls drawn from the `last-active-dates` budget: none in a sync. */
  readonly lastActiveCalls: number
  /**
   * The least wall time the pacing allows for `totalCalls`: the burst goes at once, the rest at
   * `requestsPerSecond`. Undefined when unpaced (then latency and the server alone set the pace).
   */
  readonly wallSeconds: number | undefined
  readonly pacing: PlannedPacing
  /** Whether every line rests on counts read before the sync (see `RoleHolders`). */
  readonly exact: boolean
  /** What the estimate assumes, one sentence each, for the reader. */
  readonly assumptions: ReadonlyArray<string>
}

/** The least seconds `calls` calls take at `pacing`; undefined when unpaced. */
export const pacedSeconds = (calls: number, pacing: PacingOptions): number | undefined => {
  if (!Number.isFinite(pacing.requestsPerSecond) || pacing.requestsPerSecond <= 0) return undefined
  const burst = Number.isFinite(pacing.burst) ? Math.max(0, pacing.burst) : calls
  return Math.max(0, calls - burst) / pacing.requestsPerSecond
}

const roleListingCalls = (holders: RoleHolders, listings: number): number => {
  switch (holders._tag) {
    case "Counted":
      return holders.perListing.reduce((sum, count) => sum + pagesFor(count, plannedPageSizes.roleHolders), 0)
    case "Estimated":
      // Every listing takes one call, plus one per full page: Σ⌊h/100⌋ ≤ H/100, by less than one call per
      // listing that has holders. How the holders split between listings is unknown, so the plan takes H/100
      // (an over-estimate of at most one call per listing).
      return listings + Math.round(Math.max(0, holders.total) / plannedPageSizes.roleHolders)
  }
}

/** The calls of a full sync of an organisation of `size`, and the wall time `pacing` allows for them. */
export const planSync = (size: OrgSize, pacing: PacingOptions): SyncPlan => {
  const countCalls = 2 + pagesFor(size.directories, plannedPageSizes.directories) + size.directories
  const roleListings = size.products * plannedProductRoleIds.length
  const listings: ReadonlyArray<PlannedListing> = [
    { name: "organisation", listings: 1, calls: 1, exact: true },
    {
      name: "counts before (users/count, groups/count, directories, users/stats)",
      listings: 1,
      calls: countCalls,
      exact: true
    },
    {
      name: "workspaces",
      listings: 1,
      calls: pagesFor(size.workspaces, plannedPageSizes.workspaces),
      exact: true
    },
    { name: "users search", listings: 1, calls: pagesFor(size.users, plannedPageSizes.users), exact: true },
    {
      name: "groups search",
      listings: 1,
      calls: pagesFor(size.groups, plannedPageSizes.groups),
      exact: true
    },
    {
      // Assumes fewer than 100 role assignments per group (one page each); a group granting more products
      // and roles than that takes a call more per 100. Quarantined groups are not asked (rare; counted).
      name: "group role assignments",
      listings: size.groups,
      calls: size.groups * pagesFor(0, plannedPageSizes.groupRoleAssignments),
      exact: true
    },
    {
      name: `product role holders (${size.products} products × ${plannedProductRoleIds.length} roles)`,
      listings: roleListings,
      calls: roleListingCalls(size.roleHolders, roleListings),
      exact: size.roleHolders._tag === "Counted"
    },
    ...(size.managedAccounts === undefined
      ? []
      : [
          {
            name: "managed accounts (Guard)",
            listings: 1,
            calls: pagesFor(size.managedAccounts.count, plannedPageSizes.managedAccounts),
            exact: false
          }
        ]),
    { name: "counts after", listings: 1, calls: countCalls, exact: true }
  ]
  const totalCalls = listings.reduce((sum, listing) => sum + listing.calls, 0)
  const followServerLimit = pacing.followServerLimit !== false
  const assumptions = [
    "Counts as read now: users and groups added or removed before the sync change the walk by a page per 100.",
    "Each group grants fewer than 100 role assignments (one page each).",
    ...(size.roleHolders._tag === "Estimated"
      ? [
          size.roleHolders.basis === "previous run"
            ? "Product role holders from the last succeeded run's staged roles, scaled to today's user count."
            : "Product role holders from users/stats: a person holding a role on several products counts once, so this is a lower bound."
        ]
      : []),
    ...(size.managedAccounts === undefined
      ? []
      : [
          `Guard: ${size.managedAccounts.count} managed accounts (from ${size.managedAccounts.basis}) in pages of ${plannedPageSizes.managedAccounts}, a page size Atlassian chooses.`
        ]),
    "Retries (429, 5xx, timeouts) are not foreseeable and come on top.",
    ...(Number.isFinite(pacing.requestsPerSecond)
      ? [
          `Wall time is the least the pacing allows (${pacing.requestsPerSecond} calls/s after a burst of ${pacing.burst}); network latency adds to it where pages follow one another.`,
          ...(followServerLimit
            ? ["Once Atlassian states its own limit (X-RateLimit-Limit) the client paces at that instead."]
            : [])
        ]
      : ["Unpaced: no client-side limit, so latency and the server alone set the wall time."])
  ]
  return {
    listings,
    totalCalls,
    lastActiveCalls: 0,
    wallSeconds: pacedSeconds(totalCalls, pacing),
    pacing: {
      requestsPerSecond: pacing.requestsPerSecond,
      burst: pacing.burst,
      lastActivePerMinute: pacing.lastActivePerMinute,
      followServerLimit
    },
    exact: listings.every((listing) => listing.exact),
    assumptions
  }
}

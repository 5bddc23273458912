/**
 * The synthetic organisation's vocabulary: directories, sites, products, groups and users, typed with the
 * enums of Atlassian's OpenAPI document so a rendered value is valid by construction.
 */

export type UserStatus = "active" | "suspended" | "not_invited" | "deactivated" | "for_deletion"
export type AccountStatus = "active" | "inactive" | "closed"
export type MembershipStatus = "active" | "suspended" | "no_membership"
export type ClaimStatus = "managed" | "unmanaged"
export type ManagementSource = "invited" | "synced"
export type PlatformRole =
  | "atlassian/org-admin"
  | "atlassian/site-admin"
  | "atlassian/user-access-admin"
  | "atlassian/ai-access"
export type RoleId =
  | "atlassian/user"
  | "atlassian/admin"
  | "atlassian/guest"
  | "atlassian/customer"
  | "atlassian/user-access-admin"
  | "atlassian/contributor"
  | "atlassian/basic"
  | "atlassian/stakeholder"
  | "atlassian/org-admin"
  | "atlassian/site-admin"
  | "atlassian/ai-access"

/** The product keys the simulator uses (the product segment of the resource ARI). */
export type ProductKey =
  | "jira-software"
  | "confluence"
  | "jira-servicedesk"
  | "bitbucket"
  | "opsgenie"
  | "statuspage"
  | "trello"

/** How users reach a role on a resource: itself, through a group it belongs to, or implied by another role. */
export type RoleAssignmentMethod = "direct" | "group_direct" | "inferred"

/** A user directory: the local one, an identity-provider-synced one, and sometimes a contractors one. */
export interface Directory {
  readonly directoryId: string
  readonly name: string
  readonly icon: string
  readonly kind: "local" | "idp" | "contractors"
}

/** A cloud site (`https://<name>.atlassian.net`) with its cloudId. */
export interface Site {
  readonly cloudId: string
  readonly name: string
  readonly hostUrl: string
}

/** One product instance (a workspace); `resourceId` is its ARI, e.g. `ari:cloud:jira-software::site/<cloudId>`. */
export interface Product {
  readonly key: ProductKey
  readonly name: string
  readonly resourceId: string
  /** The site the product lives on (workspace products are tied to the first site for convenience). */
  readonly cloudId: string
  readonly hostUrl: string
  /** Position in `Organisation.products`; users only hold roles on the first `maxUserProducts`. */
  readonly position: number
  /** Whether the product lives on a site (`::site/<cloudId>` ARI) rather than in its own workspace. */
  readonly sited: boolean
  /** Whether the workspace API reports a seat `capacity` for it (Bitbucket; sited products with licence data). */
  readonly reportsCapacity: boolean
  /** The commercial plan, e.g. `STANDARD`; `FREE` products have no seat limit worth reporting. */
  readonly plan: "FREE" | "STANDARD" | "PREMIUM" | "ENTERPRISE"
  readonly createdAt: string
}

/** A role a user holds on a product instance. */
export interface RoleAssignment {
  readonly resourceId: string
  readonly role: RoleId
}

/** A role a user holds on a product instance, with every way it was assigned. */
export interface UserRoleAssignment extends RoleAssignment {
  readonly methods: ReadonlyArray<RoleAssignmentMethod>
}

/**
 * A group of one directory; `grants` are the product roles its members receive. `kind`: a product's access
 * group, the org-admins group, or a team group (some team groups grant non-billable roles).
 */
export interface Group {
  readonly id: string
  readonly name: string
  readonly description: string | null
  readonly directoryId: string
  readonly externalSynced: boolean
  readonly grants: ReadonlyArray<RoleAssignment>
  readonly kind: "product" | "admins" | "team"
  /** Position among its directory's team groups (team groups only; drives the membership rule). */
  readonly teamSlot?: number
}

/** Last activity of a user in one product instance; `lastActiveTimestamp` is absent when never active. */
export interface ProductActivity {
  readonly key: ProductKey
  readonly id: string
  readonly lastActiveTimestamp?: string
}

/** Everything the simulator knows about user number `index`; the API renders a view of it. */
export interface SimulatedUser {
  readonly index: number
  readonly accountId: string
  readonly accountType: "atlassian"
  readonly name: string
  readonly nickname: string
  /** The address the API shows; absent when the user hides it. */
  readonly email?: string
  readonly emailVerified: boolean
  readonly claimStatus: ClaimStatus
  readonly status: UserStatus
  readonly accountStatus: AccountStatus
  readonly membershipStatus: MembershipStatus
  readonly addedToOrg: string
  readonly mfaEnabled: boolean
  /** Only managed accounts that belong to a directory have one. */
  readonly managementSource?: ManagementSource
  readonly platformRoles: ReadonlyArray<PlatformRole>
  readonly picture: string
  readonly avatar: string
  readonly jobTitle: string
  readonly department: string
  readonly organization?: string
  readonly location: string
  readonly timeZone: string
  /** Empty for `not_invited` managed accounts (no membership in any directory). */
  readonly directoryIds: ReadonlyArray<string>
  readonly groupIds: ReadonlyArray<string>
  /** Product roles, from group grants and direct assignments; one entry per (resource, role). */
  readonly roles: ReadonlyArray<UserRoleAssignment>
  /** What expand `productAccess` returns: only products the user has a role on; some never used. */
  readonly productAccess: ReadonlyArray<ProductActivity>
}

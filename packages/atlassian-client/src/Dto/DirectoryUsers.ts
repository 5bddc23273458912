/**
 * Directory user DTOs for `POST /v2/orgs/{orgId}/directories/{directoryId}/users/search`: the request body
 * (`MultiDirectoryUserSearchRequest`) and the page of `MultiDirectoryUser`s it returns.
 */
import { Schema } from "effect"
import { LinkPageCursor } from "./Links.js"

export const AccountStatus = Schema.Literal("active", "inactive", "closed")
export const UserStatus = Schema.Literal("active", "suspended", "not_invited", "deactivated", "for_deletion")
export const MembershipStatus = Schema.Literal("active", "suspended", "no_membership")
export const ClaimStatus = Schema.Literal("managed", "unmanaged")
export const PlatformRole = Schema.Literal(
  "atlassian/org-admin",
  "atlassian/site-admin",
  "atlassian/user-access-admin",
  "atlassian/ai-access"
)
export const RoleId = Schema.Literal(
  "atlassian/user",
  "atlassian/admin",
  "atlassian/guest",
  "atlassian/customer",
  "atlassian/user-access-admin",
  "atlassian/contributor",
  "atlassian/basic",
  "atlassian/stakeholder",
  "atlassian/org-admin",
  "atlassian/site-admin",
  "atlassian/ai-access"
)
export const UserExpand = Schema.Literal("platformRoles", "counts.resources", "productAccess", "groups")
export type UserExpand = typeof UserExpand.Type

/** One product a user can reach, with when they were last active in it (expand `productAccess`). */
export const ProductAccess = Schema.Struct({
  id: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  lastActiveTimestamp: Schema.optional(Schema.String)
})
export type ProductAccess = typeof ProductAccess.Type

/** A group of the requested directory the user belongs to (expand `groups`). */
export const UserGroup = Schema.Struct({
  id: Schema.optional(Schema.String),
  name: Schema.optional(Schema.NullOr(Schema.String))
})
export type UserGroup = typeof UserGroup.Type

export const DirectoryUser = Schema.Struct({
  accountId: Schema.optional(Schema.String),
  // The OpenAPI document allows only "atlassian" here (app and customer accounts are not directory users).
  accountType: Schema.optional(Schema.Literal("atlassian")),
  accountStatus: Schema.optional(AccountStatus),
  status: Schema.optional(UserStatus),
  membershipStatus: Schema.optional(MembershipStatus),
  addedToOrg: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  nickname: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String),
  emailVerified: Schema.optional(Schema.Boolean),
  claimStatus: Schema.optional(ClaimStatus),
  platformRoles: Schema.optional(Schema.Array(PlatformRole)),
  picture: Schema.optional(Schema.String),
  avatar: Schema.optional(Schema.String),
  managementSource: Schema.optional(Schema.NullOr(Schema.Literal("invited", "synced"))),
  mfaEnabled: Schema.optional(Schema.Boolean),
  jobTitle: Schema.optional(Schema.String),
  department: Schema.optional(Schema.String),
  organization: Schema.optional(Schema.String),
  location: Schema.optional(Schema.String),
  timeZone: Schema.optional(Schema.String),
  counts: Schema.optional(Schema.Struct({ resources: Schema.optional(Schema.Int) })),
  productAccess: Schema.optional(Schema.Array(ProductAccess)),
  groups: Schema.optional(Schema.Array(UserGroup)),
  links: Schema.optional(Schema.Struct({ self: Schema.optional(Schema.String) }))
})
export type DirectoryUser = typeof DirectoryUser.Type

export const DirectoryUserPage = Schema.Struct({
  data: Schema.Array(DirectoryUser),
  links: Schema.optional(LinkPageCursor)
})
export type DirectoryUserPage = typeof DirectoryUserPage.Type

const list = <A, I>(item: Schema.Schema<A, I>, maxItems: number) =>
  Schema.Array(item).pipe(Schema.minItems(1), Schema.maxItems(maxItems))

/**
 * The filters of a user search. Every field is optional; the client adds `limit` and `cursor` itself.
 * `searchTerm` and `emails` are mutually exclusive (Atlassian answers 400 when both are sent).
 */
export const UserSearchQuery = Schema.Struct({
  accountIds: Schema.optional(list(Schema.String, 10)),
  directoryIds: Schema.optional(list(Schema.String, 10)),
  resourceIds: Schema.optional(list(Schema.String, 20)),
  groupIds: Schema.optional(list(Schema.String, 10)),
  mfaEnabled: Schema.optional(Schema.Boolean),
  claimStatus: Schema.optional(ClaimStatus),
  status: Schema.optional(list(UserStatus, 4)),
  accountStatus: Schema.optional(list(AccountStatus, 3)),
  membershipStatus: Schema.optional(list(MembershipStatus, 3)),
  roleIds: Schema.optional(list(RoleId, 10)),
  emailDomains: Schema.optional(list(Schema.String, 10)),
  searchTerm: Schema.optional(Schema.String),
  emails: Schema.optional(list(Schema.String, 100)),
  expand: Schema.optional(Schema.Array(UserExpand)),
  sortBy: Schema.optional(
    Schema.Tuple(
      Schema.Struct({ field: Schema.Literal("nick_name"), direction: Schema.Literal("asc", "desc") })
    )
  )
}).pipe(
  Schema.filter((query) =>
    query.searchTerm !== undefined && query.emails !== undefined
      ? "searchTerm and emails cannot be combined"
      : undefined
  )
)
export type UserSearchQuery = typeof UserSearchQuery.Type

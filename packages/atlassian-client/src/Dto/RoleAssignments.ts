/** Role-assignment DTOs: which products (resources) a user or a group holds which roles on. */
import { Schema } from "effect"
import { MembershipStatus, RoleId } from "./DirectoryUsers.js"
import { LinkPageCursor } from "./Links.js"

export const RoleAssignmentMethod = Schema.Literal("inferred", "direct", "group_direct")
export type RoleAssignmentMethod = typeof RoleAssignmentMethod.Type

export const UserRoleAssignment = Schema.Struct({
  directoryId: Schema.optional(Schema.NullOr(Schema.String)),
  /** The resource ARI, e.g. `ari:cloud:jira-software::site/<cloudId>`. */
  resourceId: Schema.optional(Schema.String),
  resourceOwner: Schema.optional(Schema.String),
  roleAssignments: Schema.optional(
    Schema.Array(
      Schema.Struct({
        role: Schema.optional(RoleId),
        roleAssignmentMethods: Schema.optional(Schema.Array(RoleAssignmentMethod))
      })
    )
  ),
  /** Deprecated by Atlassian in favour of `roleAssignments`; still read when present. */
  roles: Schema.optional(Schema.Array(Schema.String)),
  userDirectoryStatus: Schema.optional(Schema.NullOr(MembershipStatus))
})
export type UserRoleAssignment = typeof UserRoleAssignment.Type

export const UserRoleAssignmentPage = Schema.Struct({
  data: Schema.optional(Schema.Array(UserRoleAssignment)),
  links: Schema.optional(LinkPageCursor)
})

export const GroupRoleAssignment = Schema.Struct({
  defaultRole: Schema.optional(Schema.NullOr(Schema.String)),
  resourceId: Schema.optional(Schema.String),
  resourceOwner: Schema.optional(Schema.String),
  roles: Schema.optional(Schema.Array(Schema.String))
})
export type GroupRoleAssignment = typeof GroupRoleAssignment.Type

export const GroupRoleAssignmentPage = Schema.Struct({
  data: Schema.optional(Schema.Array(GroupRoleAssignment)),
  links: Schema.optional(LinkPageCursor)
})

/** Filters of the role-assignment listings (query parameters). */
export interface RoleAssignmentQuery {
  readonly directoryIds?: ReadonlyArray<string> | undefined
  readonly resourceOwners?: ReadonlyArray<string> | undefined
  readonly resourceIds?: ReadonlyArray<string> | undefined
  readonly roleIds?: ReadonlyArray<string> | undefined
}

/** Group DTOs for `POST /v2/orgs/{orgId}/directories/{directoryId}/groups/search`. */
import { Schema } from "effect"
import { LinkPageCursor } from "./Links.js"

export const DirectoryGroup = Schema.Struct({
  id: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  description: Schema.optional(Schema.NullOr(Schema.String)),
  directoryId: Schema.optional(Schema.String),
  externalSynced: Schema.optional(Schema.Boolean),
  managedBy: Schema.optional(Schema.String),
  managementAccess: Schema.optional(
    Schema.Struct({
      deletable: Schema.optional(Schema.Boolean),
      modifiable: Schema.optional(Schema.Boolean),
      readable: Schema.optional(Schema.Boolean)
    })
  ),
  counts: Schema.optional(
    Schema.Struct({ resources: Schema.optional(Schema.Int), users: Schema.optional(Schema.Int) })
  ),
  links: Schema.optional(Schema.Struct({ self: Schema.optional(Schema.String) }))
})
export type DirectoryGroup = typeof DirectoryGroup.Type

export const DirectoryGroupPage = Schema.Struct({
  data: Schema.Array(DirectoryGroup),
  links: Schema.optional(LinkPageCursor)
})

const list = <A, I>(item: Schema.Schema<A, I>, maxItems: number) =>
  Schema.Array(item).pipe(Schema.minItems(1), Schema.maxItems(maxItems))

/** Filters of a group search; `groupNames` excludes `searchTerm` and `groupIds` (Atlassian answers 400). */
export const GroupSearchQuery = Schema.Struct({
  accountIds: Schema.optional(list(Schema.String, 10)),
  directoryIds: Schema.optional(list(Schema.String, 10)),
  groupIds: Schema.optional(list(Schema.String, 10)),
  groupNames: Schema.optional(list(Schema.String, 100)),
  resourceIds: Schema.optional(list(Schema.String, 20)),
  resourceOwners: Schema.optional(list(Schema.String, 10)),
  roleIds: Schema.optional(list(Schema.String, 10)),
  searchTerm: Schema.optional(Schema.String),
  expand: Schema.optional(Schema.Array(Schema.Literal("counts.resources", "counts.users"))),
  sortBy: Schema.optional(
    Schema.Tuple(Schema.Struct({ field: Schema.Literal("name"), direction: Schema.Literal("asc", "desc") }))
  )
}).pipe(
  Schema.filter((query) =>
    query.groupNames !== undefined && (query.searchTerm !== undefined || query.groupIds !== undefined)
      ? "groupNames cannot be combined with searchTerm or groupIds"
      : undefined
  )
)
export type GroupSearchQuery = typeof GroupSearchQuery.Type

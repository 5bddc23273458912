/**
 * Workspace DTOs for `POST /v2/orgs/{orgId}/workspaces`: each workspace is a product instance (a Jira or
 * Confluence site, a Bitbucket workspace, …) with its ARI as `id` and, sometimes, seat `capacity`.
 */
import { Schema } from "effect"
import { LinkPageModel } from "./Links.js"

const Related = Schema.Struct({
  id: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  attributes: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

export const WorkspaceAttributes = Schema.Struct({
  name: Schema.optional(Schema.String),
  typeKey: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  owner: Schema.optional(Schema.NullOr(Schema.String)),
  status: Schema.optional(Schema.Literal("online", "offline", "deprecated")),
  statusDetails: Schema.optional(Schema.Array(Schema.String)),
  labels: Schema.optional(Schema.Array(Schema.String)),
  sandbox: Schema.optional(
    Schema.NullOr(Schema.Struct({ type: Schema.optional(Schema.Literal("CHILD", "NONE")) }))
  ),
  /** Documented as populated for Bitbucket only; do not use as a used-seat count elsewhere. */
  usage: Schema.optional(Schema.NullOr(Schema.Int)),
  /** Maximum seats; Bitbucket, and sited products when licence data is available. */
  capacity: Schema.optional(Schema.NullOr(Schema.Int)),
  createdAt: Schema.optional(Schema.NullOr(Schema.String)),
  createdBy: Schema.optional(Schema.NullOr(Schema.String)),
  updatedAt: Schema.optional(Schema.NullOr(Schema.String)),
  hostUrl: Schema.optional(Schema.NullOr(Schema.String)),
  realm: Schema.optional(Schema.String),
  regions: Schema.optional(Schema.Array(Schema.String))
})

export const Workspace = Schema.Struct({
  id: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  attributes: Schema.optional(WorkspaceAttributes),
  links: Schema.optional(Schema.Struct({ self: Schema.String })),
  /** Policies, entitlements (plan) and features; which names appear is undocumented. */
  relationships: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Related) }))
})
export type Workspace = typeof Workspace.Type

export const WorkspacePage = Schema.Struct({
  data: Schema.optional(Schema.Array(Workspace)),
  links: Schema.optional(LinkPageModel),
  meta: Schema.optional(
    Schema.Struct({
      pageSize: Schema.optional(Schema.Int),
      startIndex: Schema.optional(Schema.NullOr(Schema.Int)),
      endIndex: Schema.optional(Schema.NullOr(Schema.Int)),
      total: Schema.optional(Schema.Int)
    })
  )
})

/** The optional `query` of a workspace search (`QueryVariants` in the OpenAPI document), passed through. */
export type WorkspaceQuery = Readonly<Record<string, unknown>>

/** Organisation DTOs: `OrgModel`, `OrgPage` (`GET /v1/orgs`) and `Org` (`GET /v1/orgs/{orgId}`). */
import { Schema } from "effect"
import { LinkPageModel } from "./Links.js"

const LinkRelated = Schema.Struct({ related: Schema.optional(Schema.String) })

export const OrgModel = Schema.Struct({
  id: Schema.String,
  type: Schema.Literal("orgs"),
  attributes: Schema.Struct({ name: Schema.optional(Schema.String) }),
  relationships: Schema.Struct({
    domains: Schema.optional(Schema.Struct({ links: Schema.optional(LinkRelated) })),
    users: Schema.optional(Schema.Struct({ links: Schema.optional(LinkRelated) }))
  }),
  links: Schema.Struct({ self: Schema.optional(Schema.String) })
})
export type OrgModel = typeof OrgModel.Type

export const OrgPage = Schema.Struct({
  data: Schema.optional(Schema.Array(OrgModel)),
  links: Schema.optional(LinkPageModel)
})
export type OrgPage = typeof OrgPage.Type

export const Org = Schema.Struct({
  data: Schema.optional(OrgModel)
})
export type Org = typeof Org.Type

/** Directory DTOs: `MultiDirectoryUserDirectory` and its page (`GET /v2/orgs/{orgId}/directories`). */
import { Schema } from "effect"
import { LinkPageCursor } from "./Links.js"

export const Directory = Schema.Struct({
  directoryId: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  icon: Schema.optional(Schema.String)
})
export type Directory = typeof Directory.Type

export const DirectoryPage = Schema.Struct({
  data: Schema.optional(Schema.Array(Directory)),
  links: Schema.optional(LinkPageCursor)
})
export type DirectoryPage = typeof DirectoryPage.Type

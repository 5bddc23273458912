/** Page-link shapes shared by the Admin API responses (`LinkPageModel`, `LinkPageCursor`). */
import { Schema } from "effect"

/** v1 pages: `next` is a URL whose `cursor` query parameter continues the walk. */
export const LinkPageModel = Schema.Struct({
  self: Schema.optional(Schema.String),
  prev: Schema.optional(Schema.String),
  next: Schema.optional(Schema.String)
})
export type LinkPageModel = typeof LinkPageModel.Type

/** v2 pages: `next` is a bare, opaque cursor token. */
export const LinkPageCursor = Schema.Struct({
  self: Schema.optional(Schema.String),
  prev: Schema.optional(Schema.String),
  next: Schema.optional(Schema.String)
})
export type LinkPageCursor = typeof LinkPageCursor.Type

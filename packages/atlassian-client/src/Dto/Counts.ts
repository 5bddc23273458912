/** Count and statistics DTOs of the v2 directory users and groups endpoints. */
import { Schema } from "effect"
import { AccountStatus } from "./DirectoryUsers.js"

export const Count = Schema.Struct({ count: Schema.optional(Schema.Int) })
export type Count = typeof Count.Type

export const UserStats = Schema.Struct({
  accountStatus: Schema.optional(
    Schema.Array(
      Schema.Struct({ count: Schema.optional(Schema.Int), status: Schema.optional(AccountStatus) })
    )
  ),
  roles: Schema.optional(
    Schema.Array(
      Schema.Struct({ count: Schema.optional(Schema.Int), roleId: Schema.optional(Schema.String) })
    )
  )
})
export type UserStats = typeof UserStats.Type

export const GroupStats = Schema.Struct({
  totals: Schema.optional(
    Schema.Struct({
      all: Schema.optional(Schema.Int),
      managed: Schema.optional(Schema.Int),
      synced: Schema.optional(Schema.Int)
    })
  ),
  types: Schema.optional(
    Schema.Array(
      Schema.Struct({
        count: Schema.optional(Schema.Int),
        type: Schema.optional(Schema.Literal("TEAM", "GROUP", "USERBASE_GROUP"))
      })
    )
  )
})
export type GroupStats = typeof GroupStats.Type

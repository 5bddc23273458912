/** Site-level DTOs: `/_edge/tenant_info` (site → cloudId) and Jira's `/rest/api/3/applicationrole`. */
import { Schema } from "effect"

export const TenantInfo = Schema.Struct({ cloudId: Schema.String })
export type TenantInfo = typeof TenantInfo.Type

/** One Jira application role: the licence seats of a Jira product on one site. */
export const JiraApplicationRole = Schema.Struct({
  key: Schema.String,
  name: Schema.optional(Schema.String),
  numberOfSeats: Schema.optional(Schema.Int),
  remainingSeats: Schema.optional(Schema.Int),
  userCount: Schema.optional(Schema.Int),
  userCountDescription: Schema.optional(Schema.String),
  hasUnlimitedSeats: Schema.optional(Schema.Boolean),
  platform: Schema.optional(Schema.Boolean),
  groups: Schema.optional(Schema.Array(Schema.String)),
  defaultGroups: Schema.optional(Schema.Array(Schema.String))
})
export type JiraApplicationRole = typeof JiraApplicationRole.Type

export const JiraApplicationRoles = Schema.Array(JiraApplicationRole)

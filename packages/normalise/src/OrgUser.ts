/**
 * The canonical organisation user: one Atlassian account as seatsync stores it, independent of which
 * Admin API endpoint it came from.
 */
import { Schema } from "effect"

export const UserStatus = Schema.Literal("active", "suspended", "not_invited", "deactivated", "for_deletion")
export type UserStatus = typeof UserStatus.Type

export const AccountStatus = Schema.Literal("active", "inactive", "closed")
export type AccountStatus = typeof AccountStatus.Type

export const MembershipStatus = Schema.Literal("active", "suspended", "no_membership")
export type MembershipStatus = typeof MembershipStatus.Type

export const ClaimStatus = Schema.Literal("managed", "unmanaged")
export type ClaimStatus = typeof ClaimStatus.Type

export class OrgUser extends Schema.Class<OrgUser>("OrgUser")({
  /** Atlassian account id, the natural key within an organisation. */
  accountId: Schema.NonEmptyTrimmedString,
  accountType: Schema.String,
  name: Schema.String,
  nickname: Schema.NullOr(Schema.String),
  /** Absent when the user hides their email from the organisation. Lower-cased. */
  email: Schema.NullOr(Schema.String),
  /** The part of the email after `@`, lower-cased; null when the email is hidden. */
  emailDomain: Schema.NullOr(Schema.String),
  status: Schema.NullOr(UserStatus),
  accountStatus: Schema.NullOr(AccountStatus),
  membershipStatus: Schema.NullOr(MembershipStatus),
  claimStatus: Schema.NullOr(ClaimStatus),
  managementSource: Schema.NullOr(Schema.String),
  mfaEnabled: Schema.NullOr(Schema.Boolean),
  addedToOrg: Schema.NullOr(Schema.DateFromSelf),
  jobTitle: Schema.NullOr(Schema.String),
  department: Schema.NullOr(Schema.String),
  timeZone: Schema.NullOr(Schema.String),
  /** Platform roles such as `atlassian/org-admin`, sorted so that equal sets compare equal. */
  platformRoles: Schema.Array(Schema.String)
}) {}

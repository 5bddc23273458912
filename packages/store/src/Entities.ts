/**
 * The per-entity table definitions every staging write and merge goes through: which canonical record an
 * entity holds, its live and staging tables, its key and content columns and their PostgreSQL types.
 */
import type {
  GroupMembership,
  OrgGroup,
  OrgUser,
  Product,
  ProductActivity,
  ProductRole
} from "@seatsync/normalise"

/** The PostgreSQL types staged columns can have. */
export type ColumnType = "text" | "boolean" | "integer" | "timestamptz" | "text[]"

export interface Column<A> {
  readonly field: keyof A & string
  readonly column: string
  readonly type: ColumnType
}

export interface EntityDefinition<A> {
  readonly entity: Entity
  /** Live table in schema `seatsync`; staging is `<table>_stage`. */
  readonly table: string
  readonly keys: ReadonlyArray<Column<A>>
  /** Compared with `IS DISTINCT FROM`: a row is rewritten only when one of these changed. */
  readonly content: ReadonlyArray<Column<A>>
  /** Written together with a content change, never compared (e.g. when the value was observed). */
  readonly carried: ReadonlyArray<Column<A>>
  /**
   * Extra condition (on live `u` and staged `s`) an update must satisfy; product activity uses it so that an
   * older observation never overwrites a newer one.
   */
  readonly updateWhen: string | null
  /** Whether rows absent from a complete enumeration are soft-deleted. */
  readonly deletable: boolean
}

export const entities = [
  "product",
  "org_user",
  "org_group",
  "group_membership",
  "product_role",
  "product_activity"
] as const
export type Entity = (typeof entities)[number]

/** The canonical record each entity stores. */
export interface EntityRecord {
  readonly product: Product
  readonly org_user: OrgUser
  readonly org_group: OrgGroup
  readonly group_membership: GroupMembership
  readonly product_role: ProductRole
  readonly product_activity: ProductActivity
}

const text = <A>(field: keyof A & string, column: string): Column<A> => ({ field, column, type: "text" })

export const orgUser: EntityDefinition<OrgUser> = {
  entity: "org_user",
  table: "org_user",
  keys: [text("accountId", "account_id")],
  content: [
    text("accountType", "account_type"),
    text("name", "name"),
    text("nickname", "nickname"),
    text("email", "email"),
    text("emailDomain", "email_domain"),
    text("status", "status"),
    text("accountStatus", "account_status"),
    text("membershipStatus", "membership_status"),
    text("claimStatus", "claim_status"),
    text("managementSource", "management_source"),
    { field: "mfaEnabled", column: "mfa_enabled", type: "boolean" },
    { field: "addedToOrg", column: "added_to_org", type: "timestamptz" },
    text("jobTitle", "job_title"),
    text("department", "department"),
    text("timeZone", "time_zone"),
    { field: "platformRoles", column: "platform_roles", type: "text[]" }
  ],
  carried: [],
  updateWhen: null,
  deletable: true
}

export const orgGroup: EntityDefinition<OrgGroup> = {
  entity: "org_group",
  table: "org_group",
  keys: [text("groupId", "group_id")],
  content: [
    text("name", "name"),
    text("description", "description"),
    text("directoryId", "directory_id"),
    { field: "externalSynced", column: "external_synced", type: "boolean" },
    text("managedBy", "managed_by")
  ],
  carried: [],
  updateWhen: null,
  deletable: true
}

export const groupMembership: EntityDefinition<GroupMembership> = {
  entity: "group_membership",
  table: "group_membership",
  keys: [text("accountId", "account_id"), text("groupId", "group_id")],
  content: [],
  carried: [],
  updateWhen: null,
  deletable: true
}

export const product: EntityDefinition<Product> = {
  entity: "product",
  table: "product",
  keys: [text("productId", "product_id")],
  content: [
    text("productKey", "product_key"),
    text("cloudId", "cloud_id"),
    text("name", "name"),
    text("url", "url"),
    { field: "capacity", column: "capacity", type: "integer" },
    text("plan", "plan"),
    text("status", "status")
  ],
  carried: [],
  updateWhen: null,
  deletable: true
}

export const productRole: EntityDefinition<ProductRole> = {
  entity: "product_role",
  table: "product_role",
  keys: [text("accountId", "account_id"), text("productId", "product_id"), text("roleId", "role_id")],
  content: [
    { field: "billable", column: "billable", type: "boolean" },
    { field: "grantedVia", column: "granted_via", type: "text[]" }
  ],
  carried: [],
  updateWhen: null,
  deletable: true
}

/**
 * Activity changes only when the last-active time does (a different source reporting the same time is not a
 * change); it never moves backwards, "never active" never overrides a known time, and an observation older
 * than the stored one never wins. Partial by nature (backfill covers some users), so never soft-deleted.
 */
export const productActivity: EntityDefinition<ProductActivity> = {
  entity: "product_activity",
  table: "product_activity",
  keys: [text("accountId", "account_id"), text("productId", "product_id")],
  content: [{ field: "lastActiveAt", column: "last_active_at", type: "timestamptz" }],
  carried: [
    { field: "source", column: "source", type: "text" },
    { field: "observedAt", column: "observed_at", type: "timestamptz" }
  ],
  updateWhen: `(u.deleted_at IS NOT NULL OR (s.observed_at >= u.observed_at
    AND (u.last_active_at IS NULL OR s.last_active_at >= u.last_active_at)))`,
  deletable: false
}

/** Every entity's definition, by name. */
export const definitions: { readonly [E in Entity]: EntityDefinition<EntityRecord[E]> } = {
  product,
  org_user: orgUser,
  org_group: orgGroup,
  group_membership: groupMembership,
  product_role: productRole,
  product_activity: productActivity
}

/**
 * @seatsync/atlassian-client — a typed, read-only Effect client for the Atlassian Cloud organisation
 * Admin REST API.
 */

export type {
  AtlassianClientShape,
  DirectoryOptions,
  GroupCountQuery,
  UserCountQuery
} from "./AtlassianClient.js"
export * as AtlassianClient from "./AtlassianClient.js"
export * as AtlassianClientConfig from "./AtlassianClientConfig.js"
export * from "./Dto/Counts.js"
export * from "./Dto/Directories.js"
export * from "./Dto/DirectoryUsers.js"
export * from "./Dto/Groups.js"
export * from "./Dto/LastActive.js"
export * from "./Dto/Links.js"
export * from "./Dto/Listed.js"
export * from "./Dto/ManagedAccounts.js"
export * from "./Dto/Orgs.js"
export * from "./Dto/RoleAssignments.js"
export * from "./Dto/Site.js"
export * from "./Dto/Workspaces.js"
/**
 * The endpoint table: one entry (method, path template, page kind, largest page size) per Admin API read
 * the client sends. `Endpoints.path(entry, params)` builds a path from it, `Endpoints.match(method, path)`
 * is the read-only allow-list, and `Endpoints.all` lists every entry.
 */
export * as Endpoints from "./Endpoints.js"
export * from "./Errors.js"
export * from "./Pacing.js"
export * from "./Pagination.js"
export * from "./ReadOnlyGuard.js"
export * from "./RequestStats.js"
export * from "./RetryNotice.js"
export * from "./RetryPolicy.js"
export * as SiteClient from "./SiteClient.js"
export * from "./SiteUrl.js"

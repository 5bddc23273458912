/**
 * @seatsync/atlassian-client — a typed, read-only Effect client for the Atlassian Cloud organisation
 * Admin REST API.
 */
export * from "./AtlassianClient.js"
export * as AtlassianClientConfig from "./AtlassianClientConfig.js"
export * from "./Dto/Directories.js"
export * from "./Dto/DirectoryUsers.js"
export * from "./Dto/Links.js"
export * from "./Dto/Orgs.js"
export * from "./Errors.js"
export * from "./Pagination.js"
export * from "./ReadOnlyGuard.js"
export * from "./RequestStats.js"
export * from "./RetryPolicy.js"

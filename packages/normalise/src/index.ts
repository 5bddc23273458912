/**
 * @seatsync/normalise — seatsync's canonical model and the pure transforms from Atlassian Admin API DTOs
 * into it. No I/O happens here.
 */
export * from "./Ari.js"
export * from "./BillableRole.js"
export * from "./DirectoryUserRows.js"
export * from "./GroupMembership.js"
export * from "./Identifier.js"
export * from "./Inactivity.js"
export * from "./ListedRecord.js"
export * from "./OrgGroup.js"
export * from "./OrgUser.js"
export * from "./OrgUserFromDirectoryUser.js"
export * from "./Product.js"
export * from "./ProductActivity.js"
export * from "./ProductIndex.js"
export * from "./ProductRole.js"
export * from "./Rejected.js"

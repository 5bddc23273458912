/**
 * @seatsync/normalise — seatsync's canonical model and the pure transforms from Atlassian Admin API DTOs
 * into it. No I/O happens here.
 */
export * from "./OrgUser.js"
export * from "./OrgUserFromDirectoryUser.js"
export * from "./Rejected.js"

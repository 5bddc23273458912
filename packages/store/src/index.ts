/**
 * @seatsync/store — seatsync's PostgreSQL storage: the embedded database, migrations, the connection
 * registry, the run ledger and staged, atomic merges of organisation data.
 */
export * as ApiKeyCipher from "./ApiKeyCipher.js"
export * as Connections from "./Connections.js"
export * as Database from "./Database.js"
export * as EmbeddedPostgres from "./EmbeddedPostgres.js"
export * from "./Errors.js"
export * from "./Ids.js"
export * as Migrations from "./Migrations.js"
export * as OrgUsers from "./OrgUsers.js"
export * as SyncRuns from "./SyncRuns.js"

/**
 * @seatsync/store — seatsync's PostgreSQL storage: the embedded database, migrations, the connection
 * registry and its stored secrets, the run ledger, run-scoped staging, the atomic run merge with history and
 * seat ledger, the per-connection lock, quarantine, checkpoints and reports.
 */
export * as ApiKeyCipher from "./ApiKeyCipher.js"
export * as Checkpoints from "./Checkpoints.js"
export * as ConnectionRules from "./ConnectionRules.js"
export * as ConnectionSecrets from "./ConnectionSecrets.js"
export * as Connections from "./Connections.js"
export * as Database from "./Database.js"
export * as EmbeddedPostgres from "./EmbeddedPostgres.js"
export * as Entities from "./Entities.js"
export * from "./Errors.js"
export * from "./Ids.js"
export * as Locks from "./Locks.js"
export * as Migrations from "./Migrations.js"
export * as OrgUsers from "./OrgUsers.js"
export * as PgPool from "./PgPool.js"
export * as ProductActivities from "./ProductActivities.js"
export * as Products from "./Products.js"
export * as Quarantine from "./Quarantine.js"
export * as Reports from "./Reports.js"
export * as RunMerge from "./RunMerge.js"
export * as RunTotals from "./RunTotals.js"
export * as Staging from "./Staging.js"
export * as StartupLock from "./StartupLock.js"
export * as SyncRuns from "./SyncRuns.js"

/**
 * @seatsync/sync — the seatsync pipeline: extract from the Atlassian Admin API, normalise, stage and merge
 * into PostgreSQL, with a run ledger and progress events.
 */
export * from "./BackfillLastActive.js"
export * from "./Completeness.js"
export * from "./ConnectionErrors.js"
export * as ConnectionRunner from "./ConnectionRunner.js"
export * from "./Progress.js"
export * from "./Reconciliation.js"
export * from "./RepeatedRecords.js"
export * as RunnerConfig from "./RunnerConfig.js"
export * from "./RunSync.js"
export * from "./SiteSeats.js"
export * from "./SyncPlan.js"
export * from "./SyncPlanConnection.js"
export * from "./SyncPlanInputs.js"
export * from "./SyncSummary.js"
export * from "./WallTime.js"

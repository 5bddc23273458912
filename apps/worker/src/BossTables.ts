/**
 * The two questions pg-boss 10 has no API for, asked of the worker's queues in its tables (schema
 * `SEATSYNC_BOSS_SCHEMA`) through the store's `JobQueueReadings`: which connections already have a sync job
 * waiting or running, and which running sync jobs lost their worker.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import { JobQueueReadings } from "@seatsync/store"
import type { Duration, Effect, ParseResult } from "effect"
import { SYNC_QUEUE } from "./Queues.js"

/** Connection ids with a sync job in state created, retry or active. */
export const pendingSyncConnections = (
  schema: string
): Effect.Effect<ReadonlySet<number>, SqlError.SqlError | ParseResult.ParseError, SqlClient.SqlClient> =>
  JobQueueReadings.pendingConnections({ schema, queue: SYNC_QUEUE })

export type OrphanedJob = JobQueueReadings.OrphanedJob

/**
 * Jobs of `queue` (sync or backfill) active for longer than `grace` whose liveness lease (`JobLiveness`)
 * nobody holds: their worker died. The grace covers the instant between pg-boss marking a job active and its
 * handler taking the lease.
 */
export const orphanedJobs = (
  schema: string,
  queue: string,
  grace: Duration.Duration
): Effect.Effect<
  ReadonlyArray<OrphanedJob>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> => JobQueueReadings.orphanedJobs({ schema, queue }, grace)

/** Sync jobs whose worker died (`orphanedJobs` of the sync queue). */
export const orphanedSyncJobs = (
  schema: string,
  grace: Duration.Duration
): Effect.Effect<
  ReadonlyArray<OrphanedJob>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> => orphanedJobs(schema, SYNC_QUEUE, grace)

/**
 * The two questions pg-boss 10 has no API for, asked of its tables directly (schema `SEATSYNC_BOSS_SCHEMA`,
 * table `job`, stable across the 10.x line): which connections already have a sync job waiting or running,
 * and which running sync jobs lost their worker.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Duration, Effect } from "effect"
import { JOB_LOCK_CLASS } from "./JobLiveness.js"
import { SYNC_QUEUE } from "./Queues.js"

/** Connection ids with a sync job in state created, retry or active. */
export const pendingSyncConnections = (
  schema: string
): Effect.Effect<ReadonlySet<number>, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql.unsafe<{ readonly connectionId: number }>(
      `SELECT DISTINCT (data->>'connectionId')::int AS "connectionId" FROM ${schema}.job
       WHERE name = $1 AND state IN ('created', 'retry', 'active')`,
      [SYNC_QUEUE]
    )
    return new Set(rows.map((row) => Number(row.connectionId)))
  })

export interface OrphanedJob {
  readonly id: string
  readonly data: unknown
  readonly retryCount: number
  readonly retryLimit: number
  readonly startedOn: Date
}

/**
 * Sync jobs active for longer than `grace` whose liveness lock (`JobLiveness`) nobody holds: their worker
 * died. The grace covers the instant between pg-boss marking a job active and its handler taking the lock.
 */
export const orphanedSyncJobs = (
  schema: string,
  grace: Duration.Duration
): Effect.Effect<ReadonlyArray<OrphanedJob>, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    // Advisory locks taken with two int4 keys show in pg_locks as classid = key1, objid = key2 (as oid,
    // i.e. unsigned), objsubid = 2.
    return yield* sql.unsafe<OrphanedJob>(
      `SELECT j.id::text AS id, j.data, j.retry_count AS "retryCount", j.retry_limit AS "retryLimit",
              j.started_on AS "startedOn"
       FROM ${schema}.job AS j
       WHERE j.name = $1 AND j.state = 'active'
         AND j.started_on < now() - make_interval(secs => $2)
         AND NOT EXISTS (
           SELECT 1 FROM pg_locks AS l
           WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND l.classid = $3::int::oid
             AND l.objid = hashtext(j.id::text)::oid
         )
       ORDER BY j.started_on`,
      [SYNC_QUEUE, Duration.toSeconds(grace), JOB_LOCK_CLASS]
    )
  })

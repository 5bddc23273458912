/**
 * The two questions pg-boss 10 has no API for, asked of its `job` table directly (layout stable across the
 * 10.x line): which connections already have a job waiting or running in a queue, and which running jobs lost
 * their process (nobody holds their `JobLeases` lease). Jobs carry the connection as `data.connectionId`.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Duration, Effect, type ParseResult, Schema } from "effect"
import { ConnectionId } from "./Ids.js"
import { JOB_LEASE_CLASS } from "./JobLeases.js"

/**
 * The schema pg-boss keeps its tables in: a lower-case SQL identifier, checked before it is written into a
 * statement (a schema name cannot be a bind parameter).
 */
export const BossSchemaName = Schema.String.pipe(
  Schema.pattern(/^[a-z_][a-z0-9_]{0,62}$/, {
    message: () => "a pg-boss schema name must be a lower-case SQL identifier (a-z, 0-9, _; at most 63)"
  })
)

/** Where to read: pg-boss's schema and the queue's name. */
export interface JobQueue {
  readonly schema: string
  readonly queue: string
}

/** The `job` table of `schema`, as a fragment of SQL. */
const jobTable = (sql: SqlClient.SqlClient, schema: string) =>
  Effect.map(Schema.decode(BossSchemaName)(schema), (name) => sql.literal(`${name}.job`))

const PendingConnection = Schema.Struct({ connectionId: ConnectionId })

/** Ids of the connections with a job of the queue in state created, retry or active. */
export const pendingConnections = (
  where: JobQueue
): Effect.Effect<
  ReadonlySet<ConnectionId>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const job = yield* jobTable(sql, where.schema)
    const rows = yield* sql`
      SELECT DISTINCT (data->>'connectionId')::int AS "connectionId" FROM ${job}
      WHERE name = ${where.queue} AND state IN ('created', 'retry', 'active')
        AND data->>'connectionId' IS NOT NULL`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(PendingConnection)))
    )
    return new Set(rows.map((row) => row.connectionId))
  }).pipe(Effect.withSpan("JobQueueReadings.pendingConnections", { attributes: { ...where } }))

export const OrphanedJob = Schema.Struct({
  id: Schema.String,
  /** The job's payload as pg-boss stores it, for the caller to decode. */
  data: Schema.Unknown,
  retryCount: Schema.Int,
  retryLimit: Schema.Int,
  startedOn: Schema.DateFromSelf
})
export type OrphanedJob = typeof OrphanedJob.Type

/**
 * Jobs of the queue active for longer than `grace` whose lease (`JobLeases`) nobody holds: their process
 * died. The grace covers the instant between pg-boss marking a job active and its handler taking the lease.
 * Oldest start first.
 */
export const orphanedJobs = (
  where: JobQueue,
  grace: Duration.DurationInput
): Effect.Effect<
  ReadonlyArray<OrphanedJob>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const job = yield* jobTable(sql, where.schema)
    // Advisory locks taken with two int4 keys show in pg_locks as classid = key1, objid = key2 (as oid,
    // i.e. unsigned), objsubid = 2.
    return yield* sql`
      SELECT j.id::text AS id, j.data, j.retry_count AS "retryCount", j.retry_limit AS "retryLimit",
             j.started_on AS "startedOn"
      FROM ${job} AS j
      WHERE j.name = ${where.queue} AND j.state = 'active'
        AND j.started_on < now() - make_interval(secs => ${Duration.toSeconds(grace)})
        AND NOT EXISTS (
          SELECT 1 FROM pg_locks AS l
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND l.classid = ${JOB_LEASE_CLASS}::int::oid
            AND l.objid = hashtext(j.id::text)::oid
        )
      ORDER BY j.started_on`.pipe(Effect.flatMap(Schema.decodeUnknown(Schema.Array(OrphanedJob))))
  }).pipe(Effect.withSpan("JobQueueReadings.orphanedJobs", { attributes: { ...where } }))

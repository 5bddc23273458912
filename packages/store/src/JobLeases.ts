/**
 * Job leases: session-level PostgreSQL advisory locks that prove a job's process is alive. A lease is taken on
 * a session the caller has reserved (`SqlClient.reserve`) and lives as long as that session, so a killed
 * process's leases die with its connection; anyone can then see, from any session, that nobody holds it
 * (`holders`, `JobQueueReadings.orphanedJobs`). The sweep lock lets one process at a time act on what it sees.
 *
 * The statements take the session rather than the pool: a lease must be released on the session that holds
 * it, and a caller that replaces a dead session takes its leases again on the new one.
 */
import { SqlClient, type SqlConnection, type SqlError } from "@effect/sql"
import { Effect, type ParseResult, Schema, type Scope } from "effect"

/** First key of every job lease (the second is `hashtext(job id)`). */
export const JOB_LEASE_CLASS = 0x5ea7_b055
/** First key of the sweep lock (the second is 0): one process sweeps at a time. */
export const SWEEP_LOCK_CLASS = 0x5ea7_5eef

/** One row of a `pg_try_advisory_lock` / `pg_advisory_unlock` call. */
const LockResult = Schema.Tuple(Schema.Struct({ locked: Schema.Boolean }))
const decodeLocked = Schema.decodeUnknown(LockResult)

const lockStatement = (
  session: SqlConnection.Connection,
  statement: string,
  params: ReadonlyArray<unknown>
): Effect.Effect<boolean, SqlError.SqlError | ParseResult.ParseError> =>
  session.execute(statement, params, undefined).pipe(
    Effect.flatMap(decodeLocked),
    Effect.map(([row]) => row.locked)
  )

/**
 * Takes the job's lease on `session` if no other session holds it: `true` when `session` holds it now
 * (taking it again on the session that holds it stacks, and each take needs its own `release`).
 */
export const take = (
  session: SqlConnection.Connection,
  jobId: string
): Effect.Effect<boolean, SqlError.SqlError | ParseResult.ParseError> =>
  lockStatement(session, "SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked", [
    JOB_LEASE_CLASS,
    jobId
  ]).pipe(Effect.withSpan("JobLeases.take", { attributes: { jobId } }))

/** Releases one take of the job's lease on `session`: `false` when `session` did not hold it. */
export const release = (
  session: SqlConnection.Connection,
  jobId: string
): Effect.Effect<boolean, SqlError.SqlError | ParseResult.ParseError> =>
  lockStatement(session, "SELECT pg_advisory_unlock($1::int, hashtext($2)) AS locked", [
    JOB_LEASE_CLASS,
    jobId
  ]).pipe(Effect.withSpan("JobLeases.release", { attributes: { jobId } }))

/**
 * Holds the job's lease on `session` until the scope closes: `true` when it was taken (and is released on
 * that same session when the scope closes), `false` when another session holds it.
 */
export const hold = (
  session: SqlConnection.Connection,
  jobId: string
): Effect.Effect<boolean, SqlError.SqlError | ParseResult.ParseError, Scope.Scope> =>
  Effect.acquireRelease(take(session, jobId), (taken) =>
    taken ? Effect.ignore(release(session, jobId)) : Effect.void
  )

/** Takes the sweep lock on `session` if no other session holds it: `true` when `session` holds it now. */
export const takeSweepLock = (
  session: SqlConnection.Connection
): Effect.Effect<boolean, SqlError.SqlError | ParseResult.ParseError> =>
  lockStatement(session, "SELECT pg_try_advisory_lock($1::int, 0) AS locked", [SWEEP_LOCK_CLASS]).pipe(
    Effect.withSpan("JobLeases.takeSweepLock")
  )

/** Releases the sweep lock on `session`: `false` when `session` did not hold it. */
export const releaseSweepLock = (
  session: SqlConnection.Connection
): Effect.Effect<boolean, SqlError.SqlError | ParseResult.ParseError> =>
  lockStatement(session, "SELECT pg_advisory_unlock($1::int, 0) AS locked", [SWEEP_LOCK_CLASS]).pipe(
    Effect.withSpan("JobLeases.releaseSweepLock")
  )

/**
 * Succeeds while `session` answers (`SELECT 1`). Tells a statement's own failure from a dead session: only
 * the latter calls for a new session and the leases taken again on it.
 */
export const probe = (session: SqlConnection.Connection): Effect.Effect<void, SqlError.SqlError> =>
  Effect.asVoid(session.executeRaw("SELECT 1", []))

/**
 * The backend process ids (`pg_backend_pid()`) of the sessions holding the job's lease, in this database:
 * empty when its process is gone.
 */
export const holders = (
  jobId: string
): Effect.Effect<ReadonlyArray<number>, SqlError.SqlError | ParseResult.ParseError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    // Advisory locks taken with two int4 keys show in pg_locks as classid = key1, objid = key2 (as oid, i.e.
    // unsigned), objsubid = 2.
    sql`
      SELECT pid FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND objsubid = 2
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND classid = ${JOB_LEASE_CLASS}::int::oid AND objid = hashtext(${jobId})::oid
      ORDER BY pid`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ pid: Schema.Int })))),
      Effect.map((rows) => rows.map((row) => row.pid))
    )
  ).pipe(Effect.withSpan("JobLeases.holders", { attributes: { jobId } }))

/**
 * Proof that a job's worker is alive: while a job runs, its process holds a PostgreSQL advisory lock named
 * after the job on one session reserved for the process's lifetime. A killed process's session closes and
 * PostgreSQL drops its locks with it, so "active in pg-boss but nobody holds its lock" means the worker
 * died — which the orphan sweep (`OrphanSweep`) acts on. The lock covers the whole job (sync and backfill),
 * unlike the connection lock, which is free between the sync and each backfill chunk.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Context, Effect, Layer, type Scope } from "effect"

/** First key of every job liveness lock (the second is `hashtext(job id)`). */
export const JOB_LOCK_CLASS = 0x5ea7_b055
/** The orphan sweep's own lock: one replica sweeps at a time. */
export const SWEEP_LOCK_CLASS = 0x5ea7_5eef

export interface JobLivenessShape {
  /** Holds the job's lock until the scope closes. */
  readonly hold: (jobId: string) => Effect.Effect<void, SqlError.SqlError, Scope.Scope>
  /** Runs `effect` only if no other replica is sweeping; none otherwise. */
  readonly exclusively: <A, E, R>(
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A | undefined, E | SqlError.SqlError, R>
}

export class JobLiveness extends Context.Tag("@seatsync/worker/JobLiveness")<
  JobLiveness,
  JobLivenessShape
>() {}

const locked = (rows: ReadonlyArray<{ readonly locked?: unknown }>) => rows[0]?.locked === true

export const layer: Layer.Layer<JobLiveness, SqlError.SqlError, SqlClient.SqlClient> = Layer.scoped(
  JobLiveness,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const session = yield* sql.reserve
    const unlock = (statement: string, params: ReadonlyArray<unknown>) =>
      session.executeRaw(statement, params).pipe(Effect.ignore)
    return {
      hold: (jobId) =>
        Effect.acquireRelease(
          Effect.flatMap(
            session.execute(
              "SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked",
              [JOB_LOCK_CLASS, jobId],
              undefined
            ),
            (rows) =>
              locked(rows as ReadonlyArray<{ readonly locked?: unknown }>)
                ? Effect.void
                : // Another process holds the same hash (a 1 in 2^32 collision): that lock keeps the job
                  // from looking orphaned just as well.
                  Effect.logWarning("job liveness lock already held elsewhere").pipe(
                    Effect.annotateLogs({ jobId })
                  )
          ),
          () => unlock("SELECT pg_advisory_unlock($1::int, hashtext($2))", [JOB_LOCK_CLASS, jobId])
        ),
      exclusively: (effect) =>
        Effect.flatMap(
          session.execute("SELECT pg_try_advisory_lock($1::int, 0) AS locked", [SWEEP_LOCK_CLASS], undefined),
          (rows) =>
            locked(rows as ReadonlyArray<{ readonly locked?: unknown }>)
              ? Effect.ensuring(effect, unlock("SELECT pg_advisory_unlock($1::int, 0)", [SWEEP_LOCK_CLASS]))
              : Effect.succeed(undefined)
        )
    } satisfies JobLivenessShape
  })
)

/**
 * Proof that a job's worker is alive: while a job runs, its process holds a PostgreSQL advisory lock named
 * after the job on one session reserved for the purpose. A killed process's session closes and PostgreSQL
 * drops its locks with it, so "active in pg-boss but nobody holds its lock" means the worker died — which the
 * orphan sweep (`OrphanSweep`) acts on. The lock covers the whole job (sync and backfill), unlike the
 * connection lock, which is free between the sync and each backfill chunk.
 *
 * The worker runs for months; its database may restart or fail over under it. When the session is found
 * dead (a statement on it fails and it no longer answers `SELECT 1`), a new one is reserved and the locks of
 * the jobs still running in this process are taken again on it, so the process keeps working and its jobs do
 * not stay looking orphaned. A job can be swept in the moments between the loss and the next statement on
 * the session (at the latest the next sweep, every `SEATSYNC_ORPHAN_CHECK_INTERVAL`); such a job is retried,
 * and the connection lock keeps the retry from running beside it.
 */
import { SqlClient, type SqlConnection, type SqlError } from "@effect/sql"
import { Context, Effect, ExecutionStrategy, Exit, Layer, Scope, SynchronizedRef } from "effect"

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

type Session = SqlConnection.Connection

interface Current {
  readonly session: Session
  readonly scope: Scope.CloseableScope
}

const locked = (rows: ReadonlyArray<unknown>) =>
  (rows[0] as { readonly locked?: unknown } | undefined)?.locked === true

const lockJob = "SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked"
const unlockJob = "SELECT pg_advisory_unlock($1::int, hashtext($2))"

export const layer: Layer.Layer<JobLiveness, SqlError.SqlError, SqlClient.SqlClient> = Layer.scoped(
  JobLiveness,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const layerScope = yield* Effect.scope
    /** Jobs of this process whose lock is held now: taken again on a replacement session. */
    const held = new Set<string>()

    const open = Effect.gen(function* () {
      const scope = yield* Scope.fork(layerScope, ExecutionStrategy.sequential)
      const session = yield* Scope.extend(sql.reserve, scope).pipe(
        Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
      )
      return { session, scope } satisfies Current
    })
    const current = yield* SynchronizedRef.make(yield* open)

    /** Replaces `dead` (if still current) with a new session holding the locks of every held job. */
    const replace = (dead: Current) =>
      SynchronizedRef.modifyEffect(current, (now) =>
        Effect.gen(function* () {
          if (now !== dead) return [now, now] as const
          yield* Scope.close(dead.scope, Exit.void)
          const fresh = yield* open
          for (const jobId of held) {
            yield* fresh.session.execute(lockJob, [JOB_LOCK_CLASS, jobId], undefined)
          }
          yield* Effect.logWarning("database session for job liveness lost; reconnected").pipe(
            Effect.annotateLogs({ jobsRelocked: held.size })
          )
          return [fresh, fresh] as const
        })
      )

    /**
     * Runs `use` on the current session; when it fails because the session is dead, once more on a
     * replacement. A failure on a session that still answers is the statement's own, and is returned.
     */
    const onSession = <A>(use: (session: Session) => Effect.Effect<A, SqlError.SqlError>) =>
      Effect.flatMap(SynchronizedRef.get(current), (now) =>
        use(now.session).pipe(
          Effect.catchTag("SqlError", (error) =>
            now.session.executeRaw("SELECT 1", []).pipe(
              Effect.matchEffect({
                onSuccess: () => Effect.fail(error),
                onFailure: () => Effect.flatMap(replace(now), (fresh) => use(fresh.session))
              })
            )
          )
        )
      )

    const unlock = (statement: string, params: ReadonlyArray<unknown>) =>
      Effect.flatMap(SynchronizedRef.get(current), (now) => now.session.executeRaw(statement, params)).pipe(
        Effect.ignore
      )

    return {
      hold: (jobId) =>
        Effect.acquireRelease(
          onSession((session) => session.execute(lockJob, [JOB_LOCK_CLASS, jobId], undefined)).pipe(
            Effect.flatMap((rows) =>
              locked(rows)
                ? Effect.sync(() => void held.add(jobId))
                : // Another process holds the same hash (a 1 in 2^32 collision): that lock keeps the job
                  // from looking orphaned just as well.
                  Effect.logWarning("job liveness lock already held elsewhere").pipe(
                    Effect.annotateLogs({ jobId })
                  )
            )
          ),
          () =>
            Effect.sync(() => held.delete(jobId)).pipe(
              Effect.zipRight(unlock(unlockJob, [JOB_LOCK_CLASS, jobId]))
            )
        ),
      exclusively: (effect) =>
        Effect.flatMap(
          onSession((session) =>
            session.execute(
              "SELECT pg_try_advisory_lock($1::int, 0) AS locked",
              [SWEEP_LOCK_CLASS],
              undefined
            )
          ),
          (rows) =>
            locked(rows)
              ? Effect.ensuring(effect, unlock("SELECT pg_advisory_unlock($1::int, 0)", [SWEEP_LOCK_CLASS]))
              : Effect.succeed(undefined)
        )
    } satisfies JobLivenessShape
  })
)

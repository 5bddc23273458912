/**
 * Proof that a job's worker is alive: while a job runs, its process holds the job's lease (a PostgreSQL
 * advisory lock named after the job, `JobLeases` in the store) on one session reserved for the purpose. A
 * killed process's session closes and PostgreSQL drops its locks with it, so "active in pg-boss but nobody
 * holds its lease" means the worker died — which the orphan sweep (`OrphanSweep`) acts on. The lease covers
 * the whole job (sync and backfill), unlike the connection lock, which is free between the sync and each
 * backfill chunk.
 *
 * The worker runs for months; its database may restart or fail over under it. When the session is found
 * dead (a statement on it fails and it no longer answers `JobLeases.probe`), a new one is reserved and the
 * leases of the jobs still running in this process are taken again on it, so the process keeps working and
 * its jobs do not stay looking orphaned. A job can be swept in the moments between the loss and the next
 * statement on the session (at the latest the next sweep, every `SEATSYNC_ORPHAN_CHECK_INTERVAL`); such a job
 * is retried, and the connection lock keeps the retry from running beside it.
 */
import { SqlClient, type SqlConnection, type SqlError } from "@effect/sql"
import { JobLeases } from "@seatsync/store"
import {
  Context,
  Effect,
  ExecutionStrategy,
  Exit,
  Layer,
  type ParseResult,
  Scope,
  SynchronizedRef
} from "effect"

type LeaseError = SqlError.SqlError | ParseResult.ParseError

export interface JobLivenessShape {
  /** Holds the job's lease until the scope closes. */
  readonly hold: (jobId: string) => Effect.Effect<void, LeaseError, Scope.Scope>
  /** Runs `effect` only if no other replica is sweeping; none otherwise. */
  readonly exclusively: <A, E, R>(
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A | undefined, E | LeaseError, R>
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

export const layer: Layer.Layer<JobLiveness, SqlError.SqlError, SqlClient.SqlClient> = Layer.scoped(
  JobLiveness,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const layerScope = yield* Effect.scope
    /** Jobs of this process whose lease is held now: taken again on a replacement session. */
    const held = new Set<string>()

    const open = Effect.gen(function* () {
      const scope = yield* Scope.fork(layerScope, ExecutionStrategy.sequential)
      const session = yield* Scope.extend(sql.reserve, scope).pipe(
        Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
      )
      return { session, scope } satisfies Current
    })
    const current = yield* SynchronizedRef.make(yield* open)

    /** Replaces `dead` (if still current) with a new session holding the leases of every held job. */
    const replace = (dead: Current) =>
      SynchronizedRef.modifyEffect(current, (now) =>
        Effect.gen(function* () {
          if (now !== dead) return [now, now] as const
          yield* Scope.close(dead.scope, Exit.void)
          const fresh = yield* open
          for (const jobId of held) {
            yield* JobLeases.take(fresh.session, jobId)
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
    const onSession = <A>(use: (session: Session) => Effect.Effect<A, LeaseError>) =>
      Effect.flatMap(SynchronizedRef.get(current), (now) =>
        use(now.session).pipe(
          Effect.catchTag("SqlError", (error) =>
            JobLeases.probe(now.session).pipe(
              Effect.matchEffect({
                onSuccess: () => Effect.fail(error),
                onFailure: () => Effect.flatMap(replace(now), (fresh) => use(fresh.session))
              })
            )
          )
        )
      )

    /** Releases on whichever session is current: a lease on a lost session died with it. */
    const release = (unlock: (session: Session) => Effect.Effect<boolean, LeaseError>) =>
      Effect.flatMap(SynchronizedRef.get(current), (now) => unlock(now.session)).pipe(Effect.ignore)

    return {
      hold: (jobId) =>
        Effect.acquireRelease(
          onSession((session) => JobLeases.take(session, jobId)).pipe(
            Effect.flatMap((taken) =>
              taken
                ? Effect.sync(() => void held.add(jobId))
                : // Another process holds the same hash (a 1 in 2^32 collision): that lease keeps the job
                  // from looking orphaned just as well.
                  Effect.logWarning("job liveness lock already held elsewhere").pipe(
                    Effect.annotateLogs({ jobId })
                  )
            )
          ),
          () =>
            Effect.sync(() => held.delete(jobId)).pipe(
              Effect.zipRight(release((session) => JobLeases.release(session, jobId)))
            )
        ),
      exclusively: (effect) =>
        Effect.flatMap(onSession(JobLeases.takeSweepLock), (taken) =>
          taken ? Effect.ensuring(effect, release(JobLeases.releaseSweepLock)) : Effect.succeed(undefined)
        )
    } satisfies JobLivenessShape
  })
)

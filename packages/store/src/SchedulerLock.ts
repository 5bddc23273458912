/**
 * One replica at a time decides what is due: a session-level PostgreSQL advisory lock around the worker's
 * tick, taken on a connection reserved for the tick and released on that same connection. Replicas that tick
 * at the same instant (every replica ticks when a slot falls due) take turns, so the later ones see the jobs
 * the first enqueued — which the rule "connections of one organisation never run side by side" relies on.
 * A dead process's lock dies with its connection.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect, Exit, Scope } from "effect"

/** An arbitrary constant shared by every seatsync process (next to the start-up and connection lock keys). */
const SCHEDULER_LOCK_KEY = 0x5ea7_5c04

/** Runs `effect` holding the scheduler lock, waiting for it while another replica ticks. */
export const withLock = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | SqlError.SqlError, R | SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.acquireUseRelease(
      Effect.flatMap(Scope.make(), (scope) =>
        sql.reserve.pipe(
          Scope.extend(scope),
          Effect.tap((session) => session.executeRaw("SELECT pg_advisory_lock($1)", [SCHEDULER_LOCK_KEY])),
          Effect.map((session) => ({ scope, session })),
          Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
        )
      ),
      () => effect,
      ({ scope, session }, exit) =>
        session
          .executeRaw("SELECT pg_advisory_unlock($1)", [SCHEDULER_LOCK_KEY])
          .pipe(Effect.ignore, Effect.zipRight(Scope.close(scope, exit)))
    )
  ).pipe(Effect.withSpan("SchedulerLock.withLock"))

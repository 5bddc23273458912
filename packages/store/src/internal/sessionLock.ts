/**
 * A process-wide turn: a session-level PostgreSQL advisory lock taken on a connection reserved for the
 * effect and released on that same connection, waiting while another process holds it. A dead process's lock
 * dies with its connection. The effect keeps the caller's scope: resources it acquires outlive the lock.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect, Exit, Scope } from "effect"

export const withSessionLock =
  (key: number, spanName: string) =>
  <A, E, R>(
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E | SqlError.SqlError, R | SqlClient.SqlClient> =>
    Effect.flatMap(SqlClient.SqlClient, (sql) =>
      Effect.acquireUseRelease(
        Effect.flatMap(Scope.make(), (scope) =>
          sql.reserve.pipe(
            Scope.extend(scope),
            Effect.tap((session) => session.executeRaw("SELECT pg_advisory_lock($1)", [key])),
            Effect.map((session) => ({ scope, session })),
            Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
          )
        ),
        () => effect,
        ({ scope, session }, exit) =>
          session
            .executeRaw("SELECT pg_advisory_unlock($1)", [key])
            .pipe(Effect.ignore, Effect.zipRight(Scope.close(scope, exit)))
      )
    ).pipe(Effect.withSpan(spanName))

/**
 * One run per connection at a time: a session-level PostgreSQL advisory lock taken on a connection reserved
 * for the whole effect, so that the lock and its release happen on the same session and a dead process's
 * lock dies with its connection.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect } from "effect"
import { LockHeld } from "./Errors.js"
import type { ConnectionId } from "./Ids.js"

/** The first half of every seatsync connection lock key (the second is the connection id). */
const CONNECTION_LOCK_CLASS = 0x5ea7_5c02

/**
 * Runs `effect` holding the connection's lock; fails at once with `LockHeld` when another session holds it.
 * The lock is released when `effect` ends, fails or is interrupted (and by PostgreSQL when the process dies).
 */
export const withConnectionLock = <A, E, R>(
  connectionId: ConnectionId,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | LockHeld | SqlError.SqlError, R | SqlClient.SqlClient> =>
  Effect.scoped(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const session = yield* sql.reserve
      yield* Effect.acquireRelease(
        Effect.flatMap(
          session.execute(
            "SELECT pg_try_advisory_lock($1, $2) AS locked",
            [CONNECTION_LOCK_CLASS, connectionId],
            undefined
          ),
          (rows) => {
            const row: { readonly locked?: unknown } | undefined = rows[0]
            if (row?.locked === true) return Effect.void
            // The name the operator knows the connection by, and the run holding it if the ledger shows one.
            return Effect.flatMap(
              sql<{ readonly name: string; readonly running: string | null }>`
                SELECT c.name,
                       (SELECT r.id FROM seatsync.sync_run AS r
                        WHERE r.connection_id = c.id AND r.status = 'running'
                        ORDER BY r.id DESC LIMIT 1) AS running
                FROM seatsync.connection AS c WHERE c.id = ${connectionId}`,
              ([holder]) =>
                Effect.fail(
                  new LockHeld({
                    connectionId,
                    ...(holder === undefined ? {} : { connectionName: holder.name }),
                    ...(holder?.running == null ? {} : { heldBy: Number(holder.running) })
                  })
                )
            )
          }
        ),
        () =>
          session
            .executeRaw("SELECT pg_advisory_unlock($1, $2)", [CONNECTION_LOCK_CLASS, connectionId])
            .pipe(Effect.ignore)
      )
      return yield* effect
    })
  ).pipe(Effect.withSpan("Locks.withConnectionLock", { attributes: { connectionId } }))

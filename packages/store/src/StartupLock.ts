/**
 * One process at a time sets up shared state at start-up (the worker's pg-boss schema and queues): a
 * session-level PostgreSQL advisory lock, taken on a connection reserved for the set-up step and released on
 * that same connection, so that replicas starting together take turns instead of deadlocking on each other's
 * DDL; a dead process's lock dies with its connection.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import type { Effect } from "effect"
import { withSessionLock } from "./internal/sessionLock.js"

/** An arbitrary constant shared by every seatsync process (next to the migration and connection lock keys). */
const STARTUP_LOCK_KEY = 0x5ea7_5c03

/**
 * Runs `effect` holding the start-up lock, waiting for it as long as another process holds it. The lock is
 * released when `effect` ends, fails or is interrupted. `effect` keeps the caller's scope: resources it
 * acquires outlive the lock.
 */
export const withLock: <A, E, R>(
  effect: Effect.Effect<A, E, R>
) => Effect.Effect<A, E | SqlError.SqlError, R | SqlClient.SqlClient> = withSessionLock(
  STARTUP_LOCK_KEY,
  "StartupLock.withLock"
)

/**
 * One replica at a time decides what is due: a session-level PostgreSQL advisory lock around the worker's
 * tick, taken on a connection reserved for the tick and released on that same connection. Replicas that tick
 * at the same instant (every replica ticks when a slot falls due) take turns, so the later ones see the jobs
 * the first enqueued — which the rule "connections of one organisation never run side by side" relies on.
 * A dead process's lock dies with its connection.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import type { Effect } from "effect"
import { withSessionLock } from "./internal/sessionLock.js"

/** An arbitrary constant shared by every seatsync process (next to the start-up and connection lock keys). */
const SCHEDULER_LOCK_KEY = 0x5ea7_5c04

/** Runs `effect` holding the scheduler lock, waiting for it while another replica ticks. */
export const withLock: <A, E, R>(
  effect: Effect.Effect<A, E, R>
) => Effect.Effect<A, E | SqlError.SqlError, R | SqlClient.SqlClient> = withSessionLock(
  SCHEDULER_LOCK_KEY,
  "SchedulerLock.withLock"
)

/**
 * Runs an effect on the real clock: process start-up and shutdown deadlines must hold even when the caller
 * (a test) has installed `TestClock`.
 */
import { Clock, Effect } from "effect"

export const withLiveClock = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.withClock(self, Clock.make())

/**
 * The simulated organisation's "now", one for every command that starts a simulator (`sync --demo`,
 * `doctor --demo`, `seatsync simulator`), so that they tell one story: the start of today (UTC) — its
 * activity dates look current, and two runs on the same day see identical data — unless a seed date is
 * asked for (`seatsync simulator --as-of YYYY-MM-DD`).
 */
import { Clock, Effect } from "effect"

/** The start of today (UTC) as an ISO date-time, from the Effect clock. */
export const startOfToday: Effect.Effect<string> = Effect.map(
  Clock.currentTimeMillis,
  (now) => `${new Date(now).toISOString().slice(0, 10)}T00:00:00.000Z`
)

/** The reference time for a seed date `YYYY-MM-DD` (its start, UTC), or today's when none is given. */
export const referenceTime = (asOf: string | undefined): Effect.Effect<string> =>
  asOf === undefined ? startOfToday : Effect.succeed(`${asOf}T00:00:00.000Z`)

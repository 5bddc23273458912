/**
 * Client-side pacing, so that a sync rarely meets a 429 at all: a token bucket per organisation for every
 * call, a dedicated bucket for `last-active-dates` (documented at 200 requests per minute per
 * organisation), and a slowdown that spreads the remaining calls over the rest of the window as
 * `X-RateLimit-Remaining` approaches zero. All waiting goes through `Clock`, so `TestClock` drives it.
 */
import { Clock, Config, Duration, Effect, Ref } from "effect"

export interface PacingOptions {
  /** Sustained calls per second per organisation (all endpoints). */
  readonly requestsPerSecond: number
  /** Calls allowed back to back before the sustained rate applies. */
  readonly burst: number
  /** Calls per minute per organisation to `last-active-dates`; spaced evenly, never more in any minute. */
  readonly lastActivePerMinute: number
  /** Below this many remaining calls (from `X-RateLimit-Remaining`) calls are spread until the reset. */
  readonly slowDownBelowRemaining: number
}

/**
 * Atlassian publishes no limit for most Admin endpoints; its own guidance and field reports suggest staying
 * around 3 requests per second per organisation. `last-active-dates` is documented at 200 per minute.
 */
export const defaultPacing: PacingOptions = {
  requestsPerSecond: 3,
  burst: 10,
  lastActivePerMinute: 200,
  slowDownBelowRemaining: 10
}

/**
 * Pacing from the environment, for operators whose organisation has a negotiated or observed higher (or
 * lower) limit: `SEATSYNC_REQUESTS_PER_SECOND` (default 3), `SEATSYNC_REQUEST_BURST` (default 10) and
 * `SEATSYNC_LAST_ACTIVE_PER_MINUTE` (default 200 — Atlassian's documented limit; raise it only if Atlassian
 * told you so). Each must be a positive number.
 */
export const pacingFromEnv: Config.Config<PacingOptions> = Config.all({
  requestsPerSecond: Config.number("SEATSYNC_REQUESTS_PER_SECOND").pipe(
    Config.validate({
      message: "must be a positive number of requests per second",
      validation: (n) => n > 0
    }),
    Config.withDefault(defaultPacing.requestsPerSecond)
  ),
  burst: Config.integer("SEATSYNC_REQUEST_BURST").pipe(
    Config.validate({ message: "must be a positive whole number of requests", validation: (n) => n > 0 }),
    Config.withDefault(defaultPacing.burst)
  ),
  lastActivePerMinute: Config.number("SEATSYNC_LAST_ACTIVE_PER_MINUTE").pipe(
    Config.validate({
      message: "must be a positive number of requests per minute",
      validation: (n) => n > 0
    }),
    Config.withDefault(defaultPacing.lastActivePerMinute)
  ),
  slowDownBelowRemaining: Config.succeed(defaultPacing.slowDownBelowRemaining)
})

/** No client-side pacing at all (benchmarks against a local simulator, or a caller with its own). */
export const unpaced: PacingOptions = {
  requestsPerSecond: Number.POSITIVE_INFINITY,
  burst: Number.POSITIVE_INFINITY,
  lastActivePerMinute: Number.POSITIVE_INFINITY,
  slowDownBelowRemaining: 0
}

/** A token bucket that hands out reservations: a caller that finds it empty waits for its own token. */
export interface TokenBucket {
  /** Waits until a token is available and takes it; returns how long it waited, in milliseconds. */
  readonly take: Effect.Effect<number>
}

export const makeTokenBucket = (capacity: number, refillPerSecond: number): Effect.Effect<TokenBucket> =>
  Effect.gen(function* () {
    if (!Number.isFinite(refillPerSecond)) return { take: Effect.succeed(0) }
    const now = yield* Clock.currentTimeMillis
    // Tokens may go negative: each caller reserves its token and sleeps until it has been refilled.
    const state = yield* Ref.make({ tokens: capacity, at: now })
    const take = Effect.gen(function* () {
      const current = yield* Clock.currentTimeMillis
      const wait = yield* Ref.modify(state, ({ tokens, at }) => {
        const refilled = Math.min(capacity, tokens + ((current - at) / 1000) * refillPerSecond)
        const after = refilled - 1
        const waitMillis = after >= 0 ? 0 : Math.ceil((-after / refillPerSecond) * 1000)
        return [waitMillis, { tokens: after, at: current }] as const
      })
      if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
      return wait
    })
    return { take }
  })

/** What the last response said about the server's rate-limit window. */
export interface RateLimitHeaders {
  readonly remaining: number | undefined
  readonly resetAtMillis: number | undefined
}

export const readRateLimitHeaders = (
  headers: Readonly<Record<string, string | undefined>>
): RateLimitHeaders => {
  const remainingText = headers["x-ratelimit-remaining"]
  const remaining = remainingText === undefined ? Number.NaN : Number(remainingText)
  const resetText = headers["x-ratelimit-reset"]
  const reset = resetText === undefined ? Number.NaN : Date.parse(resetText)
  return {
    remaining: Number.isFinite(remaining) ? remaining : undefined,
    resetAtMillis: Number.isFinite(reset) ? reset : undefined
  }
}

/** Per-organisation pacing state: the general bucket, the last-active bucket, and the header slowdown. */
export interface OrgPacer {
  /** Waits as needed before a call; returns the milliseconds waited. */
  readonly before: (kind: "general" | "lastActive") => Effect.Effect<number>
  /** Feeds back the rate-limit headers of a response. */
  readonly after: (headers: RateLimitHeaders) => Effect.Effect<void>
}

export const makeOrgPacer = (options: PacingOptions): Effect.Effect<OrgPacer> =>
  Effect.gen(function* () {
    const general = yield* makeTokenBucket(options.burst, options.requestsPerSecond)
    // Capacity 1: calls are spaced evenly, so no 60-second window ever holds more than the limit.
    const lastActive = yield* makeTokenBucket(1, options.lastActivePerMinute / 60)
    const notBefore = yield* Ref.make(0)
    const before = (kind: "general" | "lastActive") =>
      Effect.gen(function* () {
        let waited = 0
        const now = yield* Clock.currentTimeMillis
        const until = yield* Ref.get(notBefore)
        if (until > now) {
          yield* Effect.sleep(Duration.millis(until - now))
          waited += until - now
        }
        if (kind === "lastActive") waited += yield* lastActive.take
        waited += yield* general.take
        return waited
      })
    const after = (headers: RateLimitHeaders) =>
      Effect.gen(function* () {
        if (headers.remaining === undefined || headers.resetAtMillis === undefined) return
        if (headers.remaining >= options.slowDownBelowRemaining) return
        const now = yield* Clock.currentTimeMillis
        const window = Math.max(0, headers.resetAtMillis - now)
        // Spread what is left of the window evenly; with nothing left, wait for the reset.
        const spacing = headers.remaining <= 0 ? window : window / (headers.remaining + 1)
        yield* Ref.set(notBefore, now + Math.ceil(spacing))
      })
    return { before, after }
  })

/** One pacer per organisation, created on first use, shared by every stream of the client. */
export interface Pacers {
  readonly forOrg: (orgId: string) => Effect.Effect<OrgPacer>
}

export const makePacers = (options: PacingOptions): Effect.Effect<Pacers> =>
  Effect.gen(function* () {
    const pacers = new Map<string, OrgPacer>()
    const lock = yield* Effect.makeSemaphore(1)
    const forOrg = (orgId: string) =>
      lock.withPermits(1)(
        Effect.suspend(() => {
          const existing = pacers.get(orgId)
          if (existing !== undefined) return Effect.succeed(existing)
          return Effect.tap(makeOrgPacer(options), (pacer) => Effect.sync(() => pacers.set(orgId, pacer)))
        })
      )
    return { forOrg }
  })

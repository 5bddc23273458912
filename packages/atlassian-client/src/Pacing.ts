/**
 * Client-side pacing, so that a sync rarely meets a 429 at all: a token bucket per organisation for every
 * call, a dedicated bucket for `last-active-dates` (documented at 200 requests per minute per
 * organisation), and a slowdown that spreads the remaining calls over the rest of the window as
 * `X-RateLimit-Remaining` approaches zero. Once a response states the server's limit (`X-RateLimit-Limit`
 * with `X-RateLimit-Reset`), the general bucket paces at that limit instead of the configured guess: faster
 * when the server allows more, slower when it allows less. All waiting goes through `Clock`, so `TestClock`
 * drives it.
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
  /**
   * Pace general calls at the limit the server states (`X-RateLimit-Limit` per window, the window measured
   * from `X-RateLimit-Reset`) once it has stated one, instead of `requestsPerSecond`. Default true.
   */
  readonly followServerLimit?: boolean | undefined
}

/**
 * Atlassian publishes no limit for most Admin endpoints; its own guidance and field reports suggest staying
 * around 3 requests per second per organisation. `last-active-dates` is documented at 200 per minute.
 */
export const defaultPacing: PacingOptions = {
  requestsPerSecond: 3,
  burst: 10,
  lastActivePerMinute: 200,
  slowDownBelowRemaining: 10,
  followServerLimit: true
}

/**
 * Pacing from the environment, for operators whose organisation has a negotiated or observed higher (or
 * lower) limit: `SEATSYNC_REQUESTS_PER_SECOND` (default 3), `SEATSYNC_REQUEST_BURST` (default 10) and
 * `SEATSYNC_LAST_ACTIVE_PER_MINUTE` (default 200 — Atlassian's documented limit; raise it only if Atlassian
 * told you so). Each must be a positive number. `SEATSYNC_FOLLOW_SERVER_RATE_LIMIT=false` keeps the configured
 * rate even when the server states its own limit.
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
  slowDownBelowRemaining: Config.succeed(defaultPacing.slowDownBelowRemaining),
  followServerLimit: Config.boolean("SEATSYNC_FOLLOW_SERVER_RATE_LIMIT").pipe(Config.withDefault(true))
})

/** No client-side pacing at all (benchmarks against a local simulator, or a caller with its own). */
export const unpaced: PacingOptions = {
  requestsPerSecond: Number.POSITIVE_INFINITY,
  burst: Number.POSITIVE_INFINITY,
  lastActivePerMinute: Number.POSITIVE_INFINITY,
  slowDownBelowRemaining: 0,
  followServerLimit: false
}

/** A token bucket that hands out reservations: a caller that finds it empty waits for its own token. */
export interface TokenBucket {
  /** Waits until a token is available and takes it; returns how long it waited, in milliseconds. */
  readonly take: Effect.Effect<number>
  /**
   * Changes the sustained rate and the capacity from now on. Tokens already reserved stay reserved; the
   * tokens on hand are capped at the new capacity.
   */
  readonly setRate: (refillPerSecond: number, capacity: number) => Effect.Effect<void>
  /**
   * No caller passes before `atMillis`; the first goes then and the others follow at the sustained rate
   * (no burst after the hold). Callers already waiting for a token earlier than that queue again.
   */
  readonly holdUntil: (atMillis: number) => Effect.Effect<void>
}

interface BucketState {
  /** Tokens on hand at `at`; negative when callers have reserved tokens still to be refilled. */
  readonly tokens: number
  readonly at: number
  readonly capacity: number
  readonly refillPerSecond: number
  /** The latest hold: nothing passes before it (callers that woke earlier queue again). */
  readonly heldUntil: number
}

/** The bucket brought forward to `now`: refilled at its rate, never above its capacity. */
const refill = (bucket: BucketState, now: number): BucketState =>
  Number.isFinite(bucket.refillPerSecond)
    ? {
        ...bucket,
        tokens: Math.min(
          bucket.capacity,
          bucket.tokens + ((now - bucket.at) / 1000) * bucket.refillPerSecond
        ),
        at: now
      }
    : { ...bucket, tokens: bucket.capacity, at: now }

export const makeTokenBucket = (capacity: number, refillPerSecond: number): Effect.Effect<TokenBucket> =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const state = yield* Ref.make<BucketState>({
      tokens: capacity,
      at: now,
      capacity,
      refillPerSecond,
      heldUntil: 0
    })
    const reserve = (current: number) =>
      Ref.modify(state, (previous) => {
        const bucket = refill(previous, current)
        if (!Number.isFinite(bucket.refillPerSecond)) {
          return [Math.max(0, bucket.heldUntil - current), bucket] as const
        }
        // Each caller reserves its token and sleeps until it has been refilled.
        const after = bucket.tokens - 1
        const waitMillis = after >= 0 ? 0 : Math.ceil((-after / bucket.refillPerSecond) * 1000)
        return [waitMillis, { ...bucket, tokens: after }] as const
      })
    // A caller that wakes before a hold ordered while it slept queues again, so that it goes after the
    // hold, in turn, instead of into a window that has already run out. (The hold already moved the
    // tokens past its reservation, so it takes a new one rather than give the old one back.)
    const take = Effect.gen(function* () {
      let waited = 0
      for (;;) {
        const wait = yield* reserve(yield* Clock.currentTimeMillis)
        if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
        waited += wait
        const heldUntil = (yield* Ref.get(state)).heldUntil
        if (heldUntil <= (yield* Clock.currentTimeMillis)) return waited
      }
    })
    const setRate = (nextRefillPerSecond: number, nextCapacity: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (current) =>
        Ref.update(state, (previous) => {
          const bucket = refill(previous, current)
          return {
            ...bucket,
            tokens: Math.min(bucket.tokens, nextCapacity),
            capacity: nextCapacity,
            refillPerSecond: nextRefillPerSecond
          }
        })
      )
    const holdUntil = (atMillis: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (current) =>
        Ref.update(state, (previous) => {
          const bucket = refill(previous, current)
          const heldUntil = Math.max(bucket.heldUntil, atMillis)
          if (!Number.isFinite(bucket.refillPerSecond)) return { ...bucket, heldUntil }
          // The next caller waits (1 - tokens) / rate: at least until `atMillis`.
          const latest = 1 - (Math.max(0, atMillis - current) / 1000) * bucket.refillPerSecond
          return { ...bucket, tokens: Math.min(bucket.tokens, latest), heldUntil }
        })
      )
    return { take, setRate, holdUntil }
  })

/** What the last response said about the server's rate-limit window. */
export interface RateLimitHeaders {
  /** `X-RateLimit-Limit`: calls allowed in the current window. */
  readonly limit?: number | undefined
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
  const limitText = headers["x-ratelimit-limit"]
  const limit = limitText === undefined ? Number.NaN : Number(limitText)
  return {
    limit: Number.isFinite(limit) && limit > 0 ? limit : undefined,
    remaining: Number.isFinite(remaining) ? remaining : undefined,
    resetAtMillis: Number.isFinite(reset) ? reset : undefined
  }
}

/**
 * Paced at the server's stated limit, calls go a little slower than the limit so that uneven network
 * delays never put one call too many into a window.
 */
export const serverLimitHeadroom = 0.97

/** Per-organisation pacing state: the general bucket, the last-active bucket, and the header slowdown. */
export interface OrgPacer {
  /** Waits as needed before a call; returns the milliseconds waited. */
  readonly before: (kind: "general" | "lastActive") => Effect.Effect<number>
  /**
   * Feeds back the rate-limit headers of a response to a call of `kind` (default "general"; the headers of
   * `last-active-dates` describe its own budget, so they never set the general pace).
   */
  readonly after: (headers: RateLimitHeaders, kind?: "general" | "lastActive") => Effect.Effect<void>
}

export const makeOrgPacer = (options: PacingOptions): Effect.Effect<OrgPacer> =>
  Effect.gen(function* () {
    const general = yield* makeTokenBucket(options.burst, options.requestsPerSecond)
    // Capacity 1: calls are spaced evenly, so no 60-second window ever holds more than the limit.
    const lastActive = yield* makeTokenBucket(1, options.lastActivePerMinute / 60)
    // The server's stated limit and the longest window it has shown (ms), once a response has stated them.
    const serverLimit = yield* Ref.make<{ limit: number; windowMillis: number } | undefined>(undefined)
    const followServerLimit = options.followServerLimit !== false

    // Every call spends from the general budget; last-active calls from their own as well.
    const before = (kind: "general" | "lastActive") =>
      Effect.gen(function* () {
        const waited = kind === "lastActive" ? yield* lastActive.take : 0
        return waited + (yield* general.take)
      })

    /** Paces the general bucket at the stated limit over the longest window seen, evenly (no burst). */
    const learn = (limit: number, resetAtMillis: number, now: number) =>
      Effect.gen(function* () {
        // Windows are whole seconds: rounding up absorbs the time the answer spent on its way back.
        const shown = Math.ceil(Math.max(0, resetAtMillis - now) / 1000) * 1000
        if (shown === 0) return
        const known = yield* Ref.get(serverLimit)
        const windowMillis = Math.max(shown, known?.windowMillis ?? 0)
        if (known !== undefined && known.limit === limit && known.windowMillis === windowMillis) return
        yield* Ref.set(serverLimit, { limit, windowMillis })
        yield* general.setRate((limit / windowMillis) * 1000 * serverLimitHeadroom, 1)
      })

    const after = (headers: RateLimitHeaders, kind: "general" | "lastActive" = "general") =>
      Effect.gen(function* () {
        if (headers.resetAtMillis === undefined) return
        const now = yield* Clock.currentTimeMillis
        if (followServerLimit && kind === "general" && headers.limit !== undefined) {
          yield* learn(headers.limit, headers.resetAtMillis, now)
        }
        if (headers.remaining === undefined) return
        const window = Math.max(0, headers.resetAtMillis - now)
        const learned = kind === "general" && followServerLimit ? yield* Ref.get(serverLimit) : undefined
        // Paced at the server's own limit, slow down only when nothing is left (the next call waits for the
        // reset, and the pace starts again from there, so uneven arrivals at the server never put one call
        // too many into a window) or when what is left would not last until the reset at that pace (someone
        // else shares the budget); otherwise below the configured threshold.
        const shortOfBudget =
          learned === undefined
            ? headers.remaining < options.slowDownBelowRemaining
            : headers.remaining <= 0 ||
              headers.remaining + 1 < ((learned.limit * serverLimitHeadroom) / learned.windowMillis) * window
        if (!shortOfBudget) return
        // Spread what is left of the window evenly; with nothing left, wait for the reset.
        const spacing = headers.remaining <= 0 ? window : window / (headers.remaining + 1)
        yield* (kind === "lastActive" ? lastActive : general).holdUntil(now + Math.ceil(spacing))
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

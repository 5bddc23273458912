/**
 * When and how long to wait before retrying a failed call. 429s honour `Retry-After`, then
 * `X-RateLimit-Reset`, then jittered exponential backoff; 5xx and network failures back off exponentially
 * with jitter. A wait the server asked for is honoured up to its own ceiling (`maxRetryAfter`, 15 minutes);
 * a computed backoff is capped lower (`maxDelay`), and the whole retry sequence has a total time budget.
 */
import { Duration, Schedule } from "effect"

/** A failed attempt that may succeed if tried again. */
export interface RetryableFailure {
  readonly _tag: "RetryableFailure"
  /**
   * `network`: the connection failed after it was made (reset, hang-up); `timeout`: no answer within the
   * request timeout; `unreachable`: nothing could be connected to (connection refused, unknown host), which
   * a wait rarely cures, so the transport retries it at most once.
   */
  readonly kind: "rate-limited" | "server-error" | "network" | "timeout" | "unreachable"
  /** The HTTP status, 0 when there was no answer. */
  readonly status: number
  /** The wait the server asked for (from `Retry-After` or `X-RateLimit-Reset`), in milliseconds. */
  readonly serverDelayMillis: number | undefined
  readonly errorCode: string | undefined
  readonly requestId: string | undefined
  readonly detail: string
  /** The URL asked, without its query (set by the transport). */
  readonly url?: string | undefined
}

export interface RetryOptions {
  /** First backoff delay. */
  readonly baseDelay: Duration.DurationInput
  /** No computed backoff is longer than this. */
  readonly maxDelay: Duration.DurationInput
  /**
   * The longest wait a server may ask for (`Retry-After`, `X-RateLimit-Reset`): honoured up to this, a
   * longer one is clamped to it.
   */
  readonly maxRetryAfter: Duration.DurationInput
  /** Stop retrying once this much time has passed since the first failure. */
  readonly budget: Duration.DurationInput
  /** Stop after this many retries. */
  readonly maxRetries: number
}

export const defaultRetryOptions: RetryOptions = {
  baseDelay: Duration.millis(500),
  maxDelay: Duration.seconds(60),
  maxRetryAfter: Duration.minutes(15),
  budget: Duration.minutes(10),
  maxRetries: 12
}

/**
 * The schedule of retries for an API call. Its input is the failure, so a server-supplied delay wins over
 * the computed backoff. Callers may pass their own `Schedule` of the same type to the client instead.
 */
export const retrySchedule = (
  options: Partial<RetryOptions> = defaultRetryOptions
): Schedule.Schedule<unknown, RetryableFailure> => {
  const settings = { ...defaultRetryOptions, ...options }
  return Schedule.exponential(settings.baseDelay, 2).pipe(
    Schedule.jittered,
    Schedule.intersect(Schedule.identity<RetryableFailure>()),
    Schedule.modifyDelay(([, failure], computed) =>
      Duration.millis(retryDelayMillis(settings, failure, Duration.toMillis(computed)))
    ),
    Schedule.intersect(Schedule.recurs(settings.maxRetries)),
    Schedule.upTo(settings.budget)
  )
}

/**
 * The wait before the next try: what the server asked for, up to `maxRetryAfter`, or else the computed
 * backoff, up to `maxDelay`. Never negative.
 */
export const retryDelayMillis = (
  options: Pick<RetryOptions, "maxDelay" | "maxRetryAfter">,
  failure: Pick<RetryableFailure, "serverDelayMillis">,
  computedMillis: number
): number =>
  failure.serverDelayMillis === undefined
    ? Math.min(Math.max(computedMillis, 0), Duration.toMillis(options.maxDelay))
    : Math.min(Math.max(failure.serverDelayMillis, 0), Duration.toMillis(options.maxRetryAfter))

/** How many tries a call gets under `options`: the first and every retry. */
export const maxAttempts = (options: Partial<RetryOptions> = defaultRetryOptions): number =>
  (options.maxRetries ?? defaultRetryOptions.maxRetries) + 1

/**
 * Parses `Retry-After` (delta-seconds or an HTTP date) and, failing that and unless told not to (5xx),
 * `X-RateLimit-Reset` (ISO-8601), into a delay from `nowMillis`. Returns undefined when neither header gives
 * a usable answer.
 */
export const serverRequestedDelay = (
  headers: Readonly<Record<string, string | undefined>>,
  nowMillis: number,
  options: { readonly useRateLimitReset?: boolean } = {}
): number | undefined => {
  const retryAfter = headers["retry-after"]?.trim()
  if (retryAfter !== undefined && retryAfter !== "") {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000)
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Math.max(0, date - nowMillis)
  }
  // X-RateLimit-Reset is when the rate-limit window resets: it says how long to wait after a 429, but
  // nothing about when a failing server recovers, so a 5xx never waits for it.
  if (options.useRateLimitReset === false) return undefined
  const reset = headers["x-ratelimit-reset"]?.trim()
  if (reset !== undefined && reset !== "") {
    const date = Date.parse(reset)
    if (!Number.isNaN(date)) return Math.max(0, date - nowMillis)
  }
  return undefined
}

/**
 * When and how long to wait before retrying a failed call. 429s honour `Retry-After`, then
 * `X-RateLimit-Reset`, then jittered exponential backoff; 5xx and network failures back off exponentially
 * with jitter; every delay is capped, and the whole retry sequence has a total time budget.
 */
import { Duration, Schedule } from "effect"

/** A failed attempt that may succeed if tried again. */
export interface RetryableFailure {
  readonly _tag: "RetryableFailure"
  readonly kind: "rate-limited" | "server-error" | "network"
  readonly status: number
  /** The wait the server asked for (from `Retry-After` or `X-RateLimit-Reset`), in milliseconds. */
  readonly serverDelayMillis: number | undefined
  readonly errorCode: string | undefined
  readonly requestId: string | undefined
  readonly detail: string
}

export interface RetryOptions {
  /** First backoff delay. */
  readonly baseDelay: Duration.DurationInput
  /** No single wait is longer than this (a longer `Retry-After` is clamped to it). */
  readonly maxDelay: Duration.DurationInput
  /** Stop retrying once this much time has passed since the first failure. */
  readonly budget: Duration.DurationInput
  /** Stop after this many retries. */
  readonly maxRetries: number
}

export const defaultRetryOptions: RetryOptions = {
  baseDelay: Duration.millis(500),
  maxDelay: Duration.seconds(60),
  budget: Duration.minutes(10),
  maxRetries: 12
}

/**
 * The schedule of retries for an API call. Its input is the failure, so a server-supplied delay wins over
 * the computed backoff. Callers may pass their own `Schedule` of the same type to the client instead.
 */
export const retrySchedule = (
  options: RetryOptions = defaultRetryOptions
): Schedule.Schedule<unknown, RetryableFailure> => {
  const maxMillis = Duration.toMillis(options.maxDelay)
  return Schedule.exponential(options.baseDelay, 2).pipe(
    Schedule.jittered,
    Schedule.intersect(Schedule.identity<RetryableFailure>()),
    Schedule.modifyDelay(([, failure], computed) => {
      const wanted = failure.serverDelayMillis ?? Duration.toMillis(computed)
      return Duration.millis(Math.min(Math.max(wanted, 0), maxMillis))
    }),
    Schedule.intersect(Schedule.recurs(options.maxRetries)),
    Schedule.upTo(options.budget)
  )
}

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

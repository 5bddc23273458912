/**
 * The rate-limit window behind the `X-RateLimit-*` headers (admin-api.md §8: Limit, Remaining, and Reset
 * as an ISO-8601 UTC time); optionally enforced with 429 and `Retry-After`.
 */

export interface RateLimitOptions {
  /** Requests allowed per window; default 1000. */
  readonly limit?: number
  /** Window length in seconds; default 60. */
  readonly windowSeconds?: number
  /** Answer 429 once the window's requests are used up; default false (headers only). */
  readonly enforce?: boolean
}

export interface RateLimitDecision {
  readonly headers: Readonly<Record<string, string>>
  /** Seconds until the window resets, when the request exceeded an enforced limit. */
  readonly exceededRetryAfterSeconds: number | undefined
}

export const makeRateLimiter = (options: RateLimitOptions = {}) => {
  const limit = options.limit ?? 1000
  const windowMillis = (options.windowSeconds ?? 60) * 1000
  let windowStart = 0
  let used = 0
  return (now: number): RateLimitDecision => {
    if (now >= windowStart + windowMillis) {
      windowStart = now
      used = 0
    }
    used += 1
    const resetAt = windowStart + windowMillis
    const headers = {
      "X-RateLimit-Limit": String(limit),
      "X-RateLimit-Remaining": String(Math.max(0, limit - used)),
      "X-RateLimit-Reset": new Date(resetAt).toISOString()
    }
    const exceeded = options.enforce === true && used > limit
    return {
      headers,
      exceededRetryAfterSeconds: exceeded ? Math.max(1, Math.ceil((resetAt - now) / 1000)) : undefined
    }
  }
}

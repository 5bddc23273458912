/**
 * Retry notices: what the client tells an observer each time it is about to wait and try a call again —
 * what failed, where, which attempt of how many, and how long until the next try — so that no retry
 * happens in silence. An observer is given in the client's configuration (`onRetry`) or, for everything an
 * effect runs, with `withRetryObserver` (a fiber-local setting inherited by the fibers it forks).
 */
import { Effect, FiberRef } from "effect"
import type { RetryableFailure } from "./RetryPolicy.js"

export interface RetryNotice {
  /** The operation, as `METHOD /path/template`. */
  readonly endpoint: string
  /** The URL asked, without its query (never the key). */
  readonly url: string
  /** What went wrong: see `RetryableFailure.kind`. */
  readonly kind: RetryableFailure["kind"]
  /** The HTTP status, 0 when there was no answer. */
  readonly status: number
  /** What went wrong, in words: `connection refused`, `HTTP 503`, `no answer within 30 s`, … */
  readonly detail: string
  /** The attempt that failed, from 1. */
  readonly attempt: number
  /** How many attempts the call gets at most, when the retry policy says (a custom schedule may not). */
  readonly maxAttempts: number | undefined
  /** The wait before the next try, in milliseconds. */
  readonly delayMillis: number
  /** Whether the server asked for the wait (`Retry-After`, `X-RateLimit-Reset`). */
  readonly serverAsked: boolean
}

/** Receives every retry notice; it runs on the calling fiber, so it must be cheap. */
export type RetryObserver = (notice: RetryNotice) => Effect.Effect<void>

/** The observer of the current fiber (none by default). */
export const currentRetryObserver: FiberRef.FiberRef<RetryObserver | undefined> = FiberRef.unsafeMake<
  RetryObserver | undefined
>(undefined)

/** Runs `effect` with `observer` receiving the retry notices of every client call it makes. */
export const withRetryObserver =
  (observer: RetryObserver) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.locally(effect, currentRetryObserver, observer)

const seconds = (millis: number) =>
  millis >= 60_000 && millis % 60_000 === 0
    ? `${millis / 60_000} min`
    : `${(millis / 1000).toFixed(millis < 10_000 ? 1 : 0)} s`

const what: Readonly<Record<RetryableFailure["kind"], string>> = {
  "rate-limited": "rate limited",
  "server-error": "server error",
  network: "connection failed",
  timeout: "timed out",
  unreachable: "could not connect"
}

/**
 * One line for a person: `GET /v1/orgs/{orgId} rate limited (HTTP 429) at https://…/v1/orgs/o1 · attempt
 * 1 of 13 · next try in 90 s (asked by the server)`.
 */
export const describeRetryNotice = (notice: RetryNotice): string => {
  const of = notice.maxAttempts === undefined ? "" : ` of ${notice.maxAttempts}`
  const asked = notice.serverAsked ? " (asked by the server)" : ""
  return `${notice.endpoint} ${what[notice.kind]} (${notice.detail}) at ${notice.url} · attempt ${notice.attempt}${of} · next try in ${seconds(notice.delayMillis)}${asked}`
}

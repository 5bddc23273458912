/**
 * Fault injection: which requests of which operation go wrong, and how (an error status with its
 * documented body, a schema-breaking body, truncated JSON, a reset connection, added latency, an enforced
 * per-operation rate limit, or the API key being revoked).
 */
import type { OperationId } from "./Operations.js"

/** An operation by OpenAPI operationId, or `*` for every operation. */
export type FaultOperation = OperationId | "*"

/**
 * Which calls of the operation: the `nth` one only, or `from` the nth on (through `to`, inclusive, when
 * given). Calls are counted from 1, per fault's operation, from the moment the fault list was installed
 * (`faults` option or `setFaults`). Omitted: every call.
 */
export type FaultCalls = { readonly nth: number } | { readonly from: number; readonly to?: number }

interface FaultBase {
  readonly operation: FaultOperation
  readonly calls?: FaultCalls
}

/** Answer with `status` and the body the OpenAPI document declares for it on that operation. */
export interface StatusFault extends FaultBase {
  readonly kind: "status"
  readonly status: number
  /** `Retry-After` in seconds; defaults to 1 on 429 and is absent otherwise; `null` omits it. */
  readonly retryAfterSeconds?: number | null
  /** Replaces the human-readable detail of the body. */
  readonly detail?: string
}

/** A 200 whose body is valid JSON that breaks the schema (e.g. a user's `accountId` is a number). */
export interface MalformedBodyFault extends FaultBase {
  readonly kind: "malformedBody"
}

/** The response body is cut in half, so it is not valid JSON. */
export interface TruncatedJsonFault extends FaultBase {
  readonly kind: "truncatedJson"
}

/** The API key stops working at the matching call: it and every later request get 401 until `setFaults`. */
export interface RevokeKeyFault extends FaultBase {
  readonly kind: "revokeKey"
}

/** The connection is destroyed without any response (the client sees a reset / socket hang-up). */
export interface ResetFault extends FaultBase {
  readonly kind: "reset"
}

/**
 * The response is delayed by `millis`, plus a deterministic jitter in [0, jitterMillis] derived from the
 * call number. Latency faults add up and combine with any other fault.
 */
export interface LatencyFault extends FaultBase {
  readonly kind: "latency"
  readonly millis: number
  readonly jitterMillis?: number
}

/**
 * At most `limit` requests per `windowSeconds` for each operation it matches (a `*` fault keeps one window
 * per operation); beyond that 429 with the documented body, `Retry-After` and `X-RateLimit-*`.
 */
export interface RateLimitFault extends FaultBase {
  readonly kind: "rateLimit"
  readonly limit: number
  readonly windowSeconds: number
}

export type Fault =
  | StatusFault
  | MalformedBodyFault
  | TruncatedJsonFault
  | RevokeKeyFault
  | ResetFault
  | LatencyFault
  | RateLimitFault

/** Answer `status` on the matching calls. */
export const status = (
  operation: FaultOperation,
  statusCode: number,
  options: {
    readonly calls?: FaultCalls
    readonly retryAfterSeconds?: number | null
    readonly detail?: string
  } = {}
): StatusFault => ({ kind: "status", operation, status: statusCode, ...options })

/** 429 with `Retry-After: retryAfterSeconds` on the matching calls. */
export const rateLimited = (
  operation: FaultOperation,
  calls?: FaultCalls,
  retryAfterSeconds = 1
): StatusFault => ({
  kind: "status",
  operation,
  status: 429,
  retryAfterSeconds,
  ...(calls === undefined ? {} : { calls })
})

export const malformedBody = (operation: FaultOperation, calls?: FaultCalls): MalformedBodyFault => ({
  kind: "malformedBody",
  operation,
  ...(calls === undefined ? {} : { calls })
})

export const truncatedJson = (operation: FaultOperation, calls?: FaultCalls): TruncatedJsonFault => ({
  kind: "truncatedJson",
  operation,
  ...(calls === undefined ? {} : { calls })
})

/** Revokes the key at the first matching call (by default the very next request of any operation). */
export const revokeKey = (
  calls: FaultCalls = { from: 1 },
  operation: FaultOperation = "*"
): RevokeKeyFault => ({
  kind: "revokeKey",
  operation,
  calls
})

export const reset = (operation: FaultOperation, calls?: FaultCalls): ResetFault => ({
  kind: "reset",
  operation,
  ...(calls === undefined ? {} : { calls })
})

export const latency = (
  operation: FaultOperation,
  millis: number,
  options: { readonly jitterMillis?: number; readonly calls?: FaultCalls } = {}
): LatencyFault => ({ kind: "latency", operation, millis, ...options })

/** `limit` requests per `windowSeconds` (default 60) per matched operation, then 429. */
export const rateLimit = (operation: FaultOperation, limit: number, windowSeconds = 60): RateLimitFault => ({
  kind: "rateLimit",
  operation,
  limit,
  windowSeconds
})

/** Whether call number `call` (1-based) is one of `calls`. */
export const callMatches = (calls: FaultCalls | undefined, call: number): boolean => {
  if (calls === undefined) return true
  if ("nth" in calls) return call === calls.nth
  return call >= calls.from && (calls.to === undefined || call <= calls.to)
}

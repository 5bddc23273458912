/**
 * Fault injection: which requests of which operation go wrong, and how (an error status with its
 * documented body, a schema-breaking body, truncated JSON, or the API key being revoked).
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

export type Fault = StatusFault | MalformedBodyFault | TruncatedJsonFault | RevokeKeyFault

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

/** Whether call number `call` (1-based) is one of `calls`. */
export const callMatches = (calls: FaultCalls | undefined, call: number): boolean => {
  if (calls === undefined) return true
  if ("nth" in calls) return call === calls.nth
  return call >= calls.from && (calls.to === undefined || call <= calls.to)
}

/**
 * Fault injection: which requests of which operation go wrong, and how (an error status with its
 * documented body, a schema-breaking body, truncated JSON, a reset connection, added latency, an enforced
 * per-operation rate limit, or the API key being revoked; a stalled answer or a redirect; record-level
 * faults of a listing page: a wrong-typed record, a repeated page, a repeated cursor, hidden records).
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

/**
 * One record of a listing page (the `index`th item of `data`, default the first) gets `field` set to
 * `value` (default: `accountId`, or `id` for groups and workspaces, set to the number 12345): the page
 * stays valid, only that record breaks its schema (or, with a string value such as `".."` or `"abc 5"`,
 * carries content a reader must refuse).
 */
export interface WrongTypedRecordFault extends FaultBase {
  readonly kind: "wrongTypedRecord"
  readonly field?: string
  readonly value?: unknown
  readonly index?: number
}

/**
 * The matching page repeats the records of the previous page of the same operation under its own, valid
 * next cursor: the walk goes on and ends normally, but one page of records was never listed and the
 * previous one's records came twice.
 */
export interface RepeatedPageFault extends FaultBase {
  readonly kind: "repeatedPage"
}

/**
 * The matching page drops its last `count` records (the listing hides them) while the counts and
 * statistics endpoints still include them: an enumeration smaller than the organisation says it is.
 */
export interface HiddenRecordsFault extends FaultBase {
  readonly kind: "hiddenRecords"
  readonly count: number
}

/**
 * The matching page answers with a next cursor equal to the one its request carried (in the query or the
 * body): the page itself is the real one, but a client that follows the cursor asks for the same page
 * again, forever. A call without a cursor (a listing's first page) is answered unchanged.
 */
export interface RepeatedCursorFault extends FaultBase {
  readonly kind: "repeatedCursor"
}

/**
 * The request is read and never answered: the connection stays open and silent until the client gives up
 * (a stalled answer; the simulator closes it when it stops).
 */
export interface StallFault extends FaultBase {
  readonly kind: "stall"
}

/** A redirect instead of the answer: `status` (301, 302, 303, 307 or 308) with `Location: location`. */
export interface RedirectFault extends FaultBase {
  readonly kind: "redirect"
  readonly status: number
  /** A path on the simulator (`/admin/v1/…`) or any absolute URL (another host). */
  readonly location: string
}

export type Fault =
  | StallFault
  | RedirectFault
  | StatusFault
  | MalformedBodyFault
  | TruncatedJsonFault
  | RevokeKeyFault
  | ResetFault
  | LatencyFault
  | RateLimitFault
  | WrongTypedRecordFault
  | RepeatedPageFault
  | RepeatedCursorFault
  | HiddenRecordsFault

/** Never answers the matching calls (the client's request timeout is what ends them). */
export const stall = (operation: FaultOperation, calls?: FaultCalls): StallFault => ({
  kind: "stall",
  operation,
  ...(calls === undefined ? {} : { calls })
})

/** Redirects the matching calls to `location` (default status 302). */
export const redirect = (
  operation: FaultOperation,
  location: string,
  options: { readonly status?: number; readonly calls?: FaultCalls } = {}
): RedirectFault => ({
  kind: "redirect",
  operation,
  location,
  status: options.status ?? 302,
  ...(options.calls === undefined ? {} : { calls: options.calls })
})

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

/** Breaks one record of the matching pages (see `WrongTypedRecordFault`). */
export const wrongTypedRecord = (
  operation: FaultOperation,
  options: {
    readonly calls?: FaultCalls
    readonly field?: string
    readonly value?: unknown
    readonly index?: number
  } = {}
): WrongTypedRecordFault => ({ kind: "wrongTypedRecord", operation, ...options })

/** The matching pages repeat the previous page's records under a fresh cursor. */
export const repeatedPage = (operation: FaultOperation, calls?: FaultCalls): RepeatedPageFault => ({
  kind: "repeatedPage",
  operation,
  ...(calls === undefined ? {} : { calls })
})

/** The matching pages answer the cursor they were asked with as their next cursor. */
export const repeatedCursor = (operation: FaultOperation, calls?: FaultCalls): RepeatedCursorFault => ({
  kind: "repeatedCursor",
  operation,
  ...(calls === undefined ? {} : { calls })
})

/** The matching pages hide their last `count` records from the listing (the counts still include them). */
export const hiddenRecords = (
  operation: FaultOperation,
  count: number,
  calls?: FaultCalls
): HiddenRecordsFault => ({
  kind: "hiddenRecords",
  operation,
  count,
  ...(calls === undefined ? {} : { calls })
})

/**
 * The mutable fault state of a running simulator: the installed faults, per-operation call counters since
 * they were installed, the windows of rate-limit faults, and whether the key has been revoked.
 */
import { callMatches, type Fault } from "./Fault.js"
import type { OperationId } from "./Operations.js"
import { hash32 } from "./Prng.js"
import { makeRateLimiter, type RateLimitDecision } from "./RateLimit.js"

/** What the installed faults do to one request. */
export interface FaultDecision {
  /** The first matching status, body, reset or revoke fault. */
  readonly fault: Exclude<Fault, { kind: "latency" } | { kind: "rateLimit" }> | undefined
  /** Added delay from every matching latency fault. */
  readonly latencyMillis: number
  /** The first matching rate-limit fault's window (headers; exceeded when over its limit). */
  readonly rateLimit: RateLimitDecision | undefined
}

export interface FaultState {
  /** Replaces the faults, restarts their call counters and windows, and restores a revoked key. */
  readonly set: (faults: ReadonlyArray<Fault>) => void
  /** Counts one call of `operationId` at time `now` and decides what the faults do to it. */
  readonly next: (operationId: OperationId, now: number) => FaultDecision
  /** Whether a `revokeKey` fault has fired. */
  readonly keyRevoked: () => boolean
}

export const makeFaultState = (initial: ReadonlyArray<Fault>): FaultState => {
  let faults: ReadonlyArray<Fault> = initial
  let calls = new Map<string, number>()
  let windows = new Map<string, (now: number) => RateLimitDecision>()
  let revoked = false
  return {
    set: (replacement) => {
      faults = [...replacement]
      calls = new Map()
      windows = new Map()
      revoked = false
    },
    next: (operationId, now) => {
      const ownCall = (calls.get(operationId) ?? 0) + 1
      const anyCall = (calls.get("*") ?? 0) + 1
      calls.set(operationId, ownCall)
      calls.set("*", anyCall)
      let fault: FaultDecision["fault"]
      let latencyMillis = 0
      let rateLimit: RateLimitDecision | undefined
      faults.forEach((candidate, index) => {
        if (candidate.operation !== "*" && candidate.operation !== operationId) return
        const call = candidate.operation === "*" ? anyCall : ownCall
        if (!callMatches(candidate.calls, call)) return
        switch (candidate.kind) {
          case "latency": {
            const jitter = candidate.jitterMillis ?? 0
            latencyMillis += candidate.millis + (jitter > 0 ? hash32(index, call) % (jitter + 1) : 0)
            return
          }
          case "rateLimit": {
            // One window per fault and operation, so `*:ratelimit=…` limits each operation separately.
            const key = `${index} ${operationId}`
            let window = windows.get(key)
            if (window === undefined) {
              window = makeRateLimiter({
                limit: candidate.limit,
                windowSeconds: candidate.windowSeconds,
                enforce: true
              })
              windows.set(key, window)
            }
            const decision = window(now)
            if (rateLimit === undefined || decision.exceededRetryAfterSeconds !== undefined)
              rateLimit = decision
            return
          }
          default:
            if (fault !== undefined) return
            if (candidate.kind === "revokeKey") revoked = true
            fault = candidate
        }
      })
      return { fault, latencyMillis, rateLimit }
    },
    keyRevoked: () => revoked
  }
}

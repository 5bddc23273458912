/**
 * The mutable fault state of a running simulator: the installed faults, per-operation call counters since
 * they were installed, and whether the key has been revoked.
 */
import { callMatches, type Fault } from "./Fault.js"
import type { OperationId } from "./Operations.js"

export interface FaultState {
  /** Replaces the faults, restarts their call counters and restores a revoked key. */
  readonly set: (faults: ReadonlyArray<Fault>) => void
  /** Counts one call of `operationId` and returns the fault that applies to it, if any. */
  readonly next: (operationId: OperationId) => Fault | undefined
  /** Whether a `revokeKey` fault has fired. */
  readonly keyRevoked: () => boolean
}

export const makeFaultState = (initial: ReadonlyArray<Fault>): FaultState => {
  let faults: ReadonlyArray<Fault> = initial
  let calls = new Map<string, number>()
  let revoked = false
  return {
    set: (replacement) => {
      faults = [...replacement]
      calls = new Map()
      revoked = false
    },
    next: (operationId) => {
      const ownCall = (calls.get(operationId) ?? 0) + 1
      const anyCall = (calls.get("*") ?? 0) + 1
      calls.set(operationId, ownCall)
      calls.set("*", anyCall)
      for (const fault of faults) {
        if (fault.operation !== "*" && fault.operation !== operationId) continue
        if (!callMatches(fault.calls, fault.operation === "*" ? anyCall : ownCall)) continue
        if (fault.kind === "revokeKey") revoked = true
        return fault
      }
      return undefined
    },
    keyRevoked: () => revoked
  }
}

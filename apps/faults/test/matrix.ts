/**
 * One organisation seen twice — `before` (a baseline already synced into a template cluster) and `after`
 * (the same organisation with more users, answering slowly enough to be stopped among its pages) — and
 * `reference`, the live tables a clean sync of `after` leaves. Each case copies the template, starts its own
 * `after` simulator with its fault (so cases run side by side), runs a faulty sync, and then a clean one
 * that must reach `reference`.
 */
import { FaultSpec, Simulator } from "@seatsync/atlassian-simulator"
import { Effect, Either, Exit, Scope } from "effect"
import { expect } from "vitest"
import {
  copyCluster,
  envFor,
  type Faults,
  removeParent,
  runCli,
  type StoreState,
  storeState,
  syncArgs,
  tempParent
} from "./harness.js"

export interface Matrix {
  readonly before: Simulator.RunningSimulator
  /** A new simulator of the `after` organisation, for one case, with `faults` active. */
  readonly after: (faults?: Faults) => Promise<Simulator.RunningSimulator>
  /** The same organisation with 40 % of `before`'s users gone (the deletion guard's case). */
  readonly smaller: Simulator.RunningSimulator
  /** A stopped cluster holding one successful sync of `before`. */
  readonly template: string
  readonly baseline: StoreState
  /** The live tables after a clean sync of `after` on top of the baseline. */
  readonly reference: StoreState
  /** Requests a clean sync of `after` makes. */
  readonly requestsPerSync: number
  /** A fresh copy of the template for one case (removed by `close`). */
  readonly cluster: (label: string) => Promise<string>
  readonly close: () => Promise<void>
}

/** `faults` in the simulator's `--faults` syntax, e.g. `searchDirectoryUsers:status=503:calls=2-4`. */
export const faults = (spec: string): Faults => {
  const parsed = FaultSpec.parseFaultSpec(spec)
  if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
  return parsed.right
}

export interface MatrixOptions {
  readonly seed: number
  readonly usersBefore: number
  readonly usersAfter: number
  readonly latencyMillis: number
}

const apiKey = "faults-key"

export const makeMatrix = async (options: MatrixOptions): Promise<Matrix> => {
  const scope = Effect.runSync(Scope.make())
  const start = (users: number, latencyMillis: number, faults: Faults = []) =>
    Effect.runPromise(
      Scope.extend(Simulator.start({ seed: options.seed, users, apiKey, latencyMillis, faults }), scope)
    )
  const before = await start(options.usersBefore, 0)
  const after = (faults: Faults = []) => start(options.usersAfter, options.latencyMillis, faults)
  const clean = await after()
  const smaller = await start(Math.round(options.usersBefore * 0.6), 0)
  expect(clean.orgId).toBe(before.orgId)
  const parents: Array<string> = []

  const template = await tempParent("template")
  parents.push(template)
  const first = await runCli(syncArgs(before), envFor(before, template))
  expect(first.code, first.stderr).toBe(0)
  const baseline = await storeState(template, "acme")
  expect(baseline.runs).toEqual(["succeeded"])

  const referenceCluster = await copyCluster(template, "reference")
  parents.push(referenceCluster)
  const cleanRun = await runCli(syncArgs(clean), envFor(clean, referenceCluster))
  expect(cleanRun.code, cleanRun.stderr).toBe(0)
  const requestsPerSync = await Effect.runPromise(clean.requestCount)
  const reference = await storeState(referenceCluster, "acme")
  expect(reference.liveUsers).toBeGreaterThan(baseline.liveUsers)

  return {
    before,
    after,
    smaller,
    template,
    baseline,
    reference,
    requestsPerSync,
    cluster: async (label) => {
      const parent = await copyCluster(template, label)
      parents.push(parent)
      return parent
    },
    close: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await Promise.all(parents.map(removeParent))
    }
  }
}

/** Replaces the faults of `simulator` (an empty list: none). */
export const setFaults = (simulator: Simulator.RunningSimulator, faults: Faults) =>
  Effect.runPromise(simulator.setFaults(faults))

export const requestCount = (simulator: Simulator.RunningSimulator) =>
  Effect.runPromise(simulator.requestCount)

/**
 * The case's end: the failed or interrupted run left every live table exactly as the baseline had it, and
 * the next, clean sync succeeds and leaves exactly the reference.
 */
export const expectUnchangedThenRecovered = async (
  matrix: Matrix,
  simulator: Simulator.RunningSimulator,
  parent: string,
  expectedStatus: "failed" | "interrupted"
) => {
  const afterFault = await storeState(parent, "acme")
  expect(afterFault.runs[0]).toBe(expectedStatus)
  expect(afterFault.fingerprint).toEqual(matrix.baseline.fingerprint)
  await expectRecovery(matrix, simulator, parent)
}

/** The next clean sync (the fault removed) succeeds and the live tables equal the reference. */
export const expectRecovery = async (
  matrix: Matrix,
  simulator: Simulator.RunningSimulator,
  parent: string
) => {
  await setFaults(simulator, [])
  const next = await runCli(syncArgs(simulator), envFor(simulator, parent))
  expect(next.code, next.stderr).toBe(0)
  const recovered = await storeState(parent, "acme")
  expect(recovered.runs[0]).toBe("succeeded")
  expect(recovered.fingerprint).toEqual(matrix.reference.fingerprint)
}

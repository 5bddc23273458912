/** Test helpers: a simulator plus a client pointed at it. */
import { FetchHttpClient } from "@effect/platform"
import { Fault, Simulator } from "@seatsync/atlassian-simulator"
import { Effect, Fiber, Redacted, Schedule, type Scope, TestClock } from "effect"
import { AtlassianClient, type AtlassianClientConfig, unpaced } from "../src/index.js"

export { Fault }

export const withClient = (
  simulatorOptions: Simulator.SimulatorOptions,
  overrides: Partial<AtlassianClientConfig.AtlassianClientConfig> = {}
) =>
  Effect.gen(function* () {
    const simulator = yield* Simulator.start(simulatorOptions)
    const client = yield* AtlassianClient.make({
      apiKey: Redacted.make(simulator.apiKey),
      adminBaseUrl: simulator.adminBaseUrl,
      pacing: unpaced,
      ...overrides
    }).pipe(Effect.provide(FetchHttpClient.layer))
    return { simulator, client }
  })

/**
 * Runs `effect` (which sleeps on the TestClock between real HTTP calls) to completion by advancing the
 * clock in small steps while yielding to the event loop, and returns its exit with how far the clock moved.
 */
export const driveClock = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>, step = "100 millis") =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(effect)
    let advancedMillis = 0
    const stepMillis = step === "100 millis" ? 100 : Number.parseInt(step, 10)
    while (true) {
      const done = yield* Fiber.poll(fiber)
      if (done._tag === "Some") return { exit: done.value, advancedMillis }
      // Let real I/O (the simulator's HTTP answers) progress before moving virtual time.
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))
      yield* TestClock.adjust(`${stepMillis} millis`)
      advancedMillis += stepMillis
    }
  })

/** A retry schedule with no jitter, so waits are exact in assertions. */
export const exactRetry = (baseMillis: number, maxRetries: number) =>
  Schedule.exponential(`${baseMillis} millis`, 2).pipe(Schedule.intersect(Schedule.recurs(maxRetries)))

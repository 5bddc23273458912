import { expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, TestClock } from "effect"
import * as WorkerLifecycle from "../src/ops/WorkerLifecycle.js"

const inFlight = (lifecycle: WorkerLifecycle.WorkerLifecycleShape) =>
  Effect.map(lifecycle.snapshot, (s) => s.jobsInFlight)

it.effect("records when it started, by the clock", () =>
  Effect.gen(function* () {
    yield* TestClock.setTime(new Date("2026-11-28T02:00:00Z").getTime())
    const lifecycle = yield* WorkerLifecycle.make
    expect(lifecycle.startedAt.toISOString()).toBe("2026-11-28T02:00:00.000Z")
  })
)

it.effect("counts a tracked job while it runs, and not after it succeeds, fails or is interrupted", () =>
  Effect.gen(function* () {
    const lifecycle = yield* WorkerLifecycle.make
    const started = yield* Deferred.make<void>()
    const release = yield* Deferred.make<void>()
    const job = lifecycle.track(
      Effect.zipRight(Deferred.succeed(started, undefined), Deferred.await(release))
    )

    const running = yield* Effect.fork(job)
    yield* Deferred.await(started)
    expect(yield* inFlight(lifecycle)).toBe(1)
    yield* Deferred.succeed(release, undefined)
    yield* Fiber.join(running)
    expect(yield* inFlight(lifecycle)).toBe(0)

    yield* Effect.either(lifecycle.track(Effect.fail("boom")))
    expect(yield* inFlight(lifecycle)).toBe(0)

    const blocked = yield* Deferred.make<void>()
    const interrupted = yield* Effect.fork(
      lifecycle.track(Effect.zipRight(Deferred.succeed(blocked, undefined), Effect.never))
    )
    yield* Deferred.await(blocked)
    expect(yield* inFlight(lifecycle)).toBe(1)
    yield* Fiber.interrupt(interrupted)
    expect(yield* inFlight(lifecycle)).toBe(0)
  })
)

it.effect("pairs onJobStart and onJobEnd, never counting below zero", () =>
  Effect.gen(function* () {
    const lifecycle = yield* WorkerLifecycle.make
    yield* lifecycle.onJobStart
    yield* lifecycle.onJobStart
    expect(yield* inFlight(lifecycle)).toBe(2)
    yield* lifecycle.onJobEnd
    yield* lifecycle.onJobEnd
    yield* lifecycle.onJobEnd
    expect(yield* inFlight(lifecycle)).toBe(0)
  })
)

it.effect("stays draining once drained", () =>
  Effect.gen(function* () {
    const lifecycle = yield* WorkerLifecycle.make
    expect((yield* lifecycle.snapshot).draining).toBe(false)
    yield* lifecycle.onDraining
    yield* lifecycle.onDraining
    expect((yield* lifecycle.snapshot).draining).toBe(true)
  })
)

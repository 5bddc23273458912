/**
 * The worker process's own state that the operations endpoints report and the worker core updates: when the
 * process started, whether it is draining (shutting down: no new work), how many sync and backfill jobs it is
 * running, and how many slots its ticks deferred because another connection of the same organisation was
 * busy. It is per process: every replica has its own.
 */
import { Clock, Context, Effect, Layer, Ref } from "effect"

/** What `/readyz` and `/metrics` read of the process. */
export interface LifecycleSnapshot {
  readonly startedAt: Date
  readonly draining: boolean
  readonly jobsInFlight: number
  readonly backfillsInFlight: number
  /** Slots this process's ticks deferred (organisation busy with another connection's job), since start. */
  readonly slotsDeferred: number
}

export interface WorkerLifecycleShape {
  /** When this process's lifecycle began (the layer was built). */
  readonly startedAt: Date
  /** `true` once shutdown began (SIGTERM): `/readyz` answers 503 from then on. Never set back. */
  readonly draining: Ref.Ref<boolean>
  /** Sync jobs this process is running now. Prefer `track` or `onJobStart`/`onJobEnd` to writing it. */
  readonly jobsInFlight: Ref.Ref<number>
  /** Marks the process draining; idempotent. Call it first thing on SIGTERM. */
  readonly onDraining: Effect.Effect<void>
  /** One more job in flight; pair every call with `onJobEnd` (e.g. with `Effect.acquireUseRelease`). */
  readonly onJobStart: Effect.Effect<void>
  /** One job fewer in flight. */
  readonly onJobEnd: Effect.Effect<void>
  /** One more, then one fewer backfill job in flight. */
  readonly onBackfillStart: Effect.Effect<void>
  readonly onBackfillEnd: Effect.Effect<void>
  /** A tick deferred a slot: its organisation is busy with another connection's job. */
  readonly onSlotDeferred: Effect.Effect<void>
  /** Runs `effect` counted as one job in flight, however it ends (success, failure or interruption). */
  readonly track: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** The current state, read at once. */
  readonly snapshot: Effect.Effect<LifecycleSnapshot>
}

/**
 * The worker's lifecycle. Its `onDraining`, `onJobStart` and `onJobEnd` have the shape of the worker's
 * hooks, so the service itself can be passed where those hooks are expected.
 */
export class WorkerLifecycle extends Context.Tag("@seatsync/worker/WorkerLifecycle")<
  WorkerLifecycle,
  WorkerLifecycleShape
>() {}

/** A fresh lifecycle: not draining, no job in flight, started now (by the `Clock`). */
export const make: Effect.Effect<WorkerLifecycleShape> = Effect.gen(function* () {
  const startedAt = new Date(yield* Clock.currentTimeMillis)
  const draining = yield* Ref.make(false)
  const jobsInFlight = yield* Ref.make(0)
  const backfillsInFlight = yield* Ref.make(0)
  const slotsDeferred = yield* Ref.make(0)
  const onJobStart = Ref.update(jobsInFlight, (n) => n + 1)
  // Never below zero, even if a caller ends a job it did not start.
  const onJobEnd = Ref.update(jobsInFlight, (n) => Math.max(0, n - 1))
  return {
    startedAt,
    draining,
    jobsInFlight,
    onDraining: Ref.set(draining, true),
    onJobStart,
    onJobEnd,
    onBackfillStart: Ref.update(backfillsInFlight, (n) => n + 1),
    onBackfillEnd: Ref.update(backfillsInFlight, (n) => Math.max(0, n - 1)),
    onSlotDeferred: Ref.update(slotsDeferred, (n) => n + 1),
    track: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.acquireUseRelease(
        onJobStart,
        () => effect,
        () => onJobEnd
      ),
    snapshot: Effect.all({
      startedAt: Effect.succeed(startedAt),
      draining: Ref.get(draining),
      jobsInFlight: Ref.get(jobsInFlight),
      backfillsInFlight: Ref.get(backfillsInFlight),
      slotsDeferred: Ref.get(slotsDeferred)
    })
  }
})

/** Provides a fresh `WorkerLifecycle`; build it once per process and share it (worker core and ops server). */
export const layer: Layer.Layer<WorkerLifecycle> = Layer.effect(WorkerLifecycle, make)

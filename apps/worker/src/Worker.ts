/**
 * The worker process: its database capacity checked, pg-boss queues, the tick (on every replica when the next
 * slot falls due, and on pg-boss's cron as a backstop), sync and backfill job handlers each with their own
 * bounded concurrency, the orphan sweep, and a graceful drain on shutdown. `runService` runs until
 * interrupted (SIGTERM); `runOnce` runs what is due now and reports whether all of it succeeded.
 */
import type { SqlClient } from "@effect/sql"
import type { PgPool } from "@seatsync/store"
import type { ConnectionRunner } from "@seatsync/sync"
import { Clock, Duration, Effect, Option, Queue, Schedule, type Scope } from "effect"
import { handleBackfillJob } from "./BackfillJob.js"
import { Boss, type Job } from "./Boss.js"
import { verify } from "./Capacity.js"
import type { JobLiveness } from "./JobLiveness.js"
import { sweepOrphans } from "./OrphanSweep.js"
import { BACKFILL_QUEUE, backfillJobId, createQueues, SYNC_QUEUE, TICK_QUEUE } from "./Queues.js"
import { handleSyncJob } from "./SyncJob.js"
import { type EnqueuedSlot, type TickHooks, tick, tickPlanned } from "./Tick.js"
import { isSet, retiredVariables, type WorkerConfig } from "./WorkerConfig.js"

/** Hooks the operations server (health, metrics) attaches to; a no-op by default. */
export interface WorkerHooks {
  /** Called once when shutdown starts: the worker stops taking new work. */
  readonly onDraining: Effect.Effect<void>
  /** Called around every sync job (for an in-flight count). */
  readonly onJobStart: Effect.Effect<void>
  readonly onJobEnd: Effect.Effect<void>
  /** Called around every backfill job. */
  readonly onBackfillStart: Effect.Effect<void>
  readonly onBackfillEnd: Effect.Effect<void>
  /** Called when a tick defers a slot (its organisation is busy with another connection's job). */
  readonly onSlotDeferred: Effect.Effect<void>
}

export const noHooks: WorkerHooks = {
  onDraining: Effect.void,
  onJobStart: Effect.void,
  onJobEnd: Effect.void,
  onBackfillStart: Effect.void,
  onBackfillEnd: Effect.void,
  onSlotDeferred: Effect.void
}

type Env = Boss | JobLiveness | SqlClient.SqlClient | PgPool.PgPool | ConnectionRunner.ConnectionRunner

const logFailure = (message: string) => (error: { readonly _tag: string; readonly message: string }) =>
  Effect.logWarning(message).pipe(Effect.annotateLogs({ error: error._tag, reason: error.message }))

/** Warns about the single-organisation variables of earlier versions, which are ignored now. */
const warnRetired = Effect.forEach(retiredVariables, (name) =>
  Effect.flatMap(
    Effect.orElseSucceed(isSet(name), () => false),
    (set) =>
      set
        ? Effect.logWarning(
            `${name} is no longer read: the worker syncs every connection registered with \`seatsync connect\``
          )
        : Effect.void
  )
)

/**
 * Starts the sync and backfill handlers and the orphan sweep in the current scope; `onJobEnd` runs after
 * every job (the service ticks then). Closing the scope drains: pollers stop fetching, running jobs get
 * `shutdownGrace` to finish, and the rest are interrupted (their runs recorded `interrupted`, their jobs
 * failed so that pg-boss retries them).
 */
const startWorking = (
  config: WorkerConfig,
  hooks: WorkerHooks,
  extraQueues: ReadonlyArray<string>,
  onJobEnd: Effect.Effect<void> = Effect.void
) =>
  Effect.gen(function* () {
    const boss = yield* Boss
    const syncHandles = yield* Effect.forEach(Array.from({ length: config.concurrency }), () =>
      boss.work(SYNC_QUEUE, { pollInterval: config.pollInterval }, (job: Job) =>
        Effect.acquireUseRelease(
          hooks.onJobStart,
          () => handleSyncJob(config, job),
          () => Effect.zipRight(hooks.onJobEnd, onJobEnd)
        )
      )
    )
    // Backfills poll their own queue with their own handlers: a long one never holds a sync's place.
    const backfillHandles = yield* Effect.forEach(Array.from({ length: config.backfillConcurrency }), () =>
      boss.work(BACKFILL_QUEUE, { pollInterval: config.pollInterval }, (job: Job) =>
        Effect.acquireUseRelease(
          hooks.onBackfillStart,
          () => handleBackfillJob(config, job),
          () => Effect.zipRight(hooks.onBackfillEnd, onJobEnd)
        )
      )
    )
    const handles = [...syncHandles, ...backfillHandles]
    const running = Effect.map(
      Effect.forEach(handles, (handle) => handle.running),
      (counts) => counts.reduce((sum, n) => sum + n, 0)
    )
    yield* sweepOrphans(config).pipe(
      Effect.catchAll(logFailure("orphan sweep failed")),
      Effect.repeat(Schedule.spaced(config.orphanCheckInterval)),
      Effect.forkScoped
    )
    // Added last, so it runs first on close: before the handlers' fibers are interrupted.
    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        yield* hooks.onDraining
        for (const queue of [SYNC_QUEUE, BACKFILL_QUEUE, ...extraQueues]) {
          yield* boss.offWork(queue).pipe(Effect.catchAll(logFailure("could not stop polling")))
        }
        const inFlight = yield* running
        yield* Effect.logInfo("draining: no new jobs are taken").pipe(
          Effect.annotateLogs({ inFlight, grace: Duration.format(config.shutdownGrace) })
        )
        const finished = yield* running.pipe(
          Effect.repeat({ schedule: Schedule.spaced("200 millis"), until: (n) => n === 0 }),
          // Finalizers run uninterruptibly; the wait must be interruptible for the timeout to end it.
          Effect.interruptible,
          Effect.timeoutOption(config.shutdownGrace)
        )
        if (Option.isNone(finished)) {
          yield* Effect.logWarning("shutdown grace elapsed: interrupting the jobs still running").pipe(
            Effect.annotateLogs({ inFlight: yield* running })
          )
        }
      })
    )
    return running
  })

/** Shortest pause between two ticks of the due-time loop, so that a burst of job ends ticks once. */
const minTickGap = Duration.millis(250)

/**
 * Every replica ticks when the next slot falls due (as the last tick computed it), when one of its jobs
 * ends (a deferred or collapsed slot may be due now), and at least every `tickMaxWait`. The ticks take
 * turns across replicas (`SchedulerLock`) and the job ids dedupe them, so a slot is enqueued within moments
 * of its due time, once.
 */
const dueTimeLoop = (config: WorkerConfig, tickHooks: TickHooks, wake: Queue.Queue<void>) =>
  Effect.gen(function* () {
    for (;;) {
      const result = yield* tickPlanned(config, tickHooks).pipe(
        Effect.map(Option.some),
        Effect.catchAll((error) => Effect.as(logFailure("tick failed")(error), Option.none()))
      )
      const now = yield* Clock.currentTimeMillis
      const maxWait = Duration.toMillis(config.tickMaxWait)
      const untilDue = Option.match(
        Option.flatMap(result, (r) => r.nextDueAt),
        {
          onNone: () => maxWait,
          onSome: (at) => Math.min(maxWait, Math.max(0, at.getTime() - now))
        }
      )
      yield* Effect.sleep(Duration.max(Duration.millis(untilDue), minTickGap)).pipe(
        Effect.race(Effect.zipRight(Queue.take(wake), Effect.sleep(minTickGap)))
      )
      yield* Queue.takeAll(wake)
    }
  })

/**
 * Runs until interrupted: the capacity check, the due-time tick loop (and pg-boss's cron tick, and every
 * `SEATSYNC_TICK_EVERY` if set), sync and backfill jobs.
 */
export const runService = (
  config: WorkerConfig,
  hooks: WorkerHooks = noHooks
): Effect.Effect<never, unknown, Env | Scope.Scope> =>
  Effect.gen(function* () {
    const boss = yield* Boss
    yield* warnRetired
    const capacity = yield* verify(config.concurrency, config.backfillConcurrency)
    yield* createQueues
    const tickHooks: TickHooks = { onSlotDeferred: hooks.onSlotDeferred, seen: new Set() }
    const runTick = tick(config, tickHooks).pipe(Effect.catchAll(logFailure("tick failed")))
    const wake = yield* Queue.sliding<void>(1)
    yield* startWorking(config, hooks, [TICK_QUEUE], Queue.offer(wake, undefined))
    // Started after the handlers, so that on shutdown ticking stops before the drain (finalizers run in reverse).
    yield* dueTimeLoop(config, tickHooks, wake).pipe(Effect.forkScoped)
    // pg-boss's cron inserts one tick job per cron time across all replicas: a backstop to the loop.
    yield* boss.schedule(TICK_QUEUE, config.tickCron, { tz: "UTC", retryLimit: 0 })
    yield* boss.work(TICK_QUEUE, { pollInterval: config.pollInterval }, () => runTick)
    if (Option.isSome(config.tickEvery)) {
      // Sub-minute schedules (and tests): every replica ticks; the tick's dedupe keeps one job per slot.
      yield* runTick.pipe(Effect.repeat(Schedule.spaced(config.tickEvery.value)), Effect.forkScoped)
    }
    yield* Effect.logInfo("seatsync-worker started").pipe(
      Effect.annotateLogs({
        concurrency: config.concurrency,
        backfillConcurrency: config.backfillConcurrency,
        poolSize: capacity.poolSize,
        tickCron: config.tickCron,
        bossSchema: config.bossSchema
      })
    )
    return yield* Effect.never
  })

export interface OnceResult {
  readonly due: ReadonlyArray<EnqueuedSlot>
  readonly succeeded: number
  readonly failed: ReadonlyArray<EnqueuedSlot>
}

/**
 * `--once`: one tick, then work the queue until every job of the slots due now has completed or failed for
 * good (retries included). Jobs may be run by this process or by any running replica.
 */
export const runOnce = (
  config: WorkerConfig,
  hooks: WorkerHooks = noHooks
): Effect.Effect<OnceResult, unknown, Env | Scope.Scope> =>
  Effect.gen(function* () {
    const boss = yield* Boss
    yield* warnRetired
    yield* verify(config.concurrency, config.backfillConcurrency)
    yield* createQueues
    yield* startWorking(config, hooks, [])
    const tickHooks: TickHooks = { onSlotDeferred: hooks.onSlotDeferred, seen: new Set() }
    const terminal = new Set(["completed", "failed", "cancelled", "missing"])
    const stateOf = (queue: string, jobId: string) =>
      Effect.map(boss.getJobById(queue, jobId), (job) =>
        Option.match(job, { onNone: () => "missing", onSome: (found) => found.state })
      )
    /** Waits until every slot's job (and, once synced, its backfill) has finished; their sync job states. */
    const settle = (slots: ReadonlyArray<EnqueuedSlot>) =>
      Effect.gen(function* () {
        const states = Effect.forEach(slots, (slot) =>
          Effect.map(stateOf(SYNC_QUEUE, slot.jobId), (state) => ({ slot, state }))
        )
        let settled = yield* states
        while (!settled.every(({ state }) => terminal.has(state))) {
          yield* Effect.sleep(config.pollInterval)
          settled = yield* states
        }
        // The backfills the synced slots enqueued run too before the process exits (their failure is no slot's).
        if (config.backfillBudget > 0 && config.backfillConcurrency > 0) {
          const synced = settled.filter(({ state }) => state === "completed").map(({ slot }) => slot)
          const backfills = Effect.forEach(synced, (slot) =>
            stateOf(BACKFILL_QUEUE, backfillJobId(slot.connectionId, slot.slot))
          )
          while (!(yield* backfills).every((state) => terminal.has(state))) {
            yield* Effect.sleep(config.pollInterval)
          }
        }
        return settled
      })
    // Slots deferred because their organisation was busy run once the slots before them have finished.
    const due: Array<EnqueuedSlot> = []
    const settled: Array<{ readonly slot: EnqueuedSlot; readonly state: string }> = []
    let round = yield* tickPlanned(config, tickHooks)
    for (;;) {
      yield* Effect.logInfo("--once: slots due now").pipe(
        Effect.annotateLogs({ due: round.enqueued.length, deferred: round.deferred.length })
      )
      due.push(...round.enqueued)
      settled.push(...(yield* settle(round.enqueued)))
      if (round.deferred.length === 0) break
      // Only the deferred connections: their siblings' newer slots are not this run's.
      round = yield* tickPlanned(config, tickHooks, new Set(round.deferred.map((slot) => slot.connectionId)))
      if (round.enqueued.length === 0) break
    }
    const failed = settled.filter(({ state }) => state !== "completed").map(({ slot }) => slot)
    return { due, succeeded: settled.length - failed.length, failed }
  })

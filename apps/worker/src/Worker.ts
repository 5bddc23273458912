/**
 * The worker process: pg-boss queues, the tick (on pg-boss's cron, once across replicas), sync job handlers
 * with bounded concurrency, the orphan sweep, and a graceful drain on shutdown. `runService` runs until
 * interrupted (SIGTERM); `runOnce` runs what is due now and reports whether all of it succeeded.
 */
import type { SqlClient } from "@effect/sql"
import type { ConnectionRunner } from "@seatsync/sync"
import { Duration, Effect, Option, Schedule, type Scope } from "effect"
import { Boss, type Job } from "./Boss.js"
import type { JobLiveness } from "./JobLiveness.js"
import { sweepOrphans } from "./OrphanSweep.js"
import { createQueues, SYNC_QUEUE, TICK_QUEUE } from "./Queues.js"
import { handleSyncJob } from "./SyncJob.js"
import { type EnqueuedSlot, tick } from "./Tick.js"
import { isSet, retiredVariables, type WorkerConfig } from "./WorkerConfig.js"

/** Hooks the operations server (health, metrics) attaches to; a no-op by default. */
export interface WorkerHooks {
  /** Called once when shutdown starts: the worker stops taking new work. */
  readonly onDraining: Effect.Effect<void>
  /** Called around every sync job (for an in-flight count). */
  readonly onJobStart: Effect.Effect<void>
  readonly onJobEnd: Effect.Effect<void>
}

export const noHooks: WorkerHooks = {
  onDraining: Effect.void,
  onJobStart: Effect.void,
  onJobEnd: Effect.void
}

type Env = Boss | JobLiveness | SqlClient.SqlClient | ConnectionRunner.ConnectionRunner

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
 * Starts the sync handlers and the orphan sweep in the current scope. Closing the scope drains: pollers stop
 * fetching, running jobs get `shutdownGrace` to finish, and the rest are interrupted (their runs recorded
 * `interrupted`, their jobs failed so that pg-boss retries them).
 */
const startWorking = (config: WorkerConfig, hooks: WorkerHooks, extraQueues: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const boss = yield* Boss
    const handles = yield* Effect.forEach(Array.from({ length: config.concurrency }), () =>
      boss.work(SYNC_QUEUE, { pollInterval: config.pollInterval }, (job: Job) =>
        Effect.acquireUseRelease(
          hooks.onJobStart,
          () => handleSyncJob(config, job),
          () => hooks.onJobEnd
        )
      )
    )
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
        for (const queue of [SYNC_QUEUE, ...extraQueues]) {
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

/** Runs until interrupted: the tick on pg-boss's cron (and every `SEATSYNC_TICK_EVERY` if set), sync jobs. */
export const runService = (
  config: WorkerConfig,
  hooks: WorkerHooks = noHooks
): Effect.Effect<never, unknown, Env | Scope.Scope> =>
  Effect.gen(function* () {
    const boss = yield* Boss
    yield* warnRetired
    yield* createQueues
    const runTick = tick(config).pipe(Effect.catchAll(logFailure("tick failed")))
    yield* startWorking(config, hooks, [TICK_QUEUE])
    // Started after the handlers, so that on shutdown ticking stops before the drain (finalizers run in reverse).
    // pg-boss's cron inserts one tick job per cron time across all replicas; whichever replica fetches it ticks.
    yield* boss.schedule(TICK_QUEUE, config.tickCron, { tz: "UTC", retryLimit: 0 })
    yield* boss.work(TICK_QUEUE, { pollInterval: config.pollInterval }, () => runTick)
    if (Option.isSome(config.tickEvery)) {
      // Sub-minute schedules (and tests): every replica ticks; the tick's dedupe keeps one job per slot.
      yield* runTick.pipe(Effect.repeat(Schedule.spaced(config.tickEvery.value)), Effect.forkScoped)
    }
    yield* Effect.logInfo("seatsync-worker started").pipe(
      Effect.annotateLogs({
        concurrency: config.concurrency,
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
    yield* createQueues
    yield* startWorking(config, hooks, [])
    const due = yield* tick(config)
    yield* Effect.logInfo("--once: slots due now").pipe(Effect.annotateLogs({ due: due.length }))
    const states = Effect.forEach(due, (slot) =>
      Effect.map(boss.getJobById(SYNC_QUEUE, slot.jobId), (job) => ({
        slot,
        state: Option.match(job, { onNone: () => "missing", onSome: (found) => found.state })
      }))
    )
    const terminal = new Set(["completed", "failed", "cancelled", "missing"])
    let settled = yield* states
    while (!settled.every(({ state }) => terminal.has(state))) {
      yield* Effect.sleep(config.pollInterval)
      settled = yield* states
    }
    const failed = settled.filter(({ state }) => state !== "completed").map(({ slot }) => slot)
    return { due, succeeded: settled.length - failed.length, failed }
  })

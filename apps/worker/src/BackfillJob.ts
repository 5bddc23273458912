/**
 * One backfill job: the last-active backfill (`SEATSYNC_BACKFILL_BUDGET` calls) that follows a slot's
 * successful sync, run on the backfill queue with its own concurrency (`SEATSYNC_BACKFILL_CONCURRENCY`), so a
 * backfill lasting minutes never holds a place a due sync needs. A retry continues the interrupted backfill's
 * remaining budget. A backfill that fails is retried by pg-boss and never counts towards pausing the
 * connection: its slot's sync succeeded, and the next slot's backfill continues where this one stopped.
 */
import type { SqlClient } from "@effect/sql"
import { ConnectionId, Connections } from "@seatsync/store"
import { ConnectionRunner } from "@seatsync/sync"
import { Duration, Effect, Option, Schema } from "effect"
import type { Job } from "./Boss.js"
import { JobLiveness } from "./JobLiveness.js"
import { BackfillJobData } from "./Queues.js"
import { JobTimedOut } from "./SyncJob.js"
import type { WorkerConfig } from "./WorkerConfig.js"

/** How a backfill job ended, recorded by pg-boss as the job's output. */
export type BackfillJobOutcome =
  | {
      readonly outcome: "backfilled"
      readonly users: number
      readonly remainingBudget: number
      readonly complete: boolean
    }
  | { readonly outcome: "skipped"; readonly reason: string }

/** Why a backfill attempt failed (pg-boss records it and retries): a tagged error with its sentence. */
export type BackfillJobError = { readonly _tag: string; readonly message: string }

export const handleBackfillJob = (
  config: WorkerConfig,
  job: Job
): Effect.Effect<
  BackfillJobOutcome,
  BackfillJobError,
  ConnectionRunner.ConnectionRunner | JobLiveness | SqlClient.SqlClient
> =>
  Effect.gen(function* () {
    const data = yield* Schema.decodeUnknown(BackfillJobData)(job.data)
    const runner = yield* ConnectionRunner.ConnectionRunner
    const liveness = yield* JobLiveness
    yield* liveness.hold(job.id)
    yield* Effect.logInfo("backfill job started")
    const found = yield* Connections.findById(ConnectionId.make(data.connectionId))
    if (Option.isNone(found)) {
      yield* Effect.logWarning("connection no longer exists; backfill skipped")
      return { outcome: "skipped", reason: "connection removed" } satisfies BackfillJobOutcome
    }
    if (found.value.pausedAt !== null) {
      yield* Effect.logInfo("connection is paused; backfill skipped")
      return { outcome: "skipped", reason: "connection paused" } satisfies BackfillJobOutcome
    }
    const session = yield* runner.open(found.value, {
      trigger: "worker",
      slot: new Date(data.slot),
      recordFailure: false
    })
    const backfill = yield* session
      .backfill({ budget: config.backfillBudget, resume: job.retryCount > 0 })
      .pipe(
        Effect.timeoutFail({
          duration: config.jobTimeout,
          onTimeout: () =>
            new JobTimedOut({ connection: data.connection, timeout: Duration.format(config.jobTimeout) })
        }),
        Effect.tapError((error) =>
          Effect.logWarning(
            "last-active backfill failed; pg-boss retries it, the next slot continues it"
          ).pipe(Effect.annotateLogs({ error: error._tag, reason: error.message }))
        )
      )
    yield* Effect.logInfo("last-active backfill done").pipe(
      Effect.annotateLogs({
        users: backfill.users,
        activityChanged: backfill.activityChanged,
        remainingBudget: backfill.remainingBudget,
        complete: backfill.complete
      })
    )
    return {
      outcome: "backfilled",
      users: backfill.users,
      remainingBudget: backfill.remainingBudget,
      complete: backfill.complete
    } satisfies BackfillJobOutcome
  }).pipe(
    Effect.scoped,
    Effect.annotateLogs({
      jobId: job.id,
      attempt: job.retryCount + 1,
      ...annotationsOf(job.data)
    })
  )

/** The connection and slot of a job for its log lines, even before its data is validated. */
const annotationsOf = (data: unknown): Record<string, unknown> =>
  Option.match(Schema.decodeUnknownOption(BackfillJobData)(data), {
    onNone: () => ({}),
    onSome: (valid) => ({ connectionId: valid.connectionId, connection: valid.connection, slot: valid.slot })
  })

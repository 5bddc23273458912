/**
 * One sync job: a connection's scheduled slot. Opens the connection through `@seatsync/sync`'s
 * `ConnectionRunner` (which records a run that fails before the pipeline starts), syncs it unless a previous
 * attempt of this slot already succeeded, then enqueues the slot's last-active backfill as a job of its own
 * (`BackfillJob`, on the backfill queue), so that a long backfill never holds a sync's place. Keeps the
 * connection's failure streak: a slot whose final attempt fails counts once towards pausing it; a connection
 * busy with another run (`LockHeld`, e.g. the CLI or its own backfill) is retried later and never counts.
 */
import { ConnectionId, Connections, SyncRuns } from "@seatsync/store"
import { ConnectionRunner } from "@seatsync/sync"
import { Clock, Data, Duration, Effect, Option, Schema } from "effect"
import type { Job } from "./Boss.js"
import { JobLiveness } from "./JobLiveness.js"
import { warnOfKeyExpiry } from "./KeyExpiryWarning.js"
import { SyncJobData, sendBackfillJob } from "./Queues.js"
import { warnIfSyncOutlastsSlots } from "./ScheduleFit.js"
import type { WorkerConfig } from "./WorkerConfig.js"

export class JobTimedOut extends Data.TaggedError("JobTimedOut")<{
  readonly connection: string
  readonly timeout: string
}> {
  override get message() {
    return `The sync of "${this.connection}" ran longer than SEATSYNC_JOB_TIMEOUT (${this.timeout}) and was interrupted; raise the timeout if the organisation is that large`
  }
}

/** How a job ended, recorded by pg-boss as the job's output. */
export type SyncJobOutcome =
  | { readonly outcome: "synced"; readonly runId: number }
  | { readonly outcome: "already-synced" }
  | { readonly outcome: "skipped"; readonly reason: string }

type Failure = { readonly _tag: string; readonly message: string }

/** The error's tag and message in one line: the pause reason and the job's failure. Never holds a secret. */
const reasonOf = (error: Failure): string => `${error._tag}: ${error.message}`

/** Logs a failed attempt, counts a final one towards the pause, and fails the job so pg-boss retries it. */
const attemptFailed =
  (config: WorkerConfig, connectionId: ConnectionId, finalAttempt: boolean) => (error: Failure) =>
    Effect.gen(function* () {
      if (error._tag === "LockHeld") {
        yield* Effect.logWarning(
          "connection is being synced by another process; pg-boss retries the job later"
        )
      } else if (finalAttempt) {
        const streak = yield* Connections.recordFailure(connectionId, {
          reason: reasonOf(error),
          pauseAfter: config.pauseAfterFailures
        })
        yield* Effect.logError(
          streak.pausedNow ? "scheduled slot failed; connection paused" : "scheduled slot failed"
        ).pipe(
          Effect.annotateLogs({
            error: error._tag,
            reason: error.message,
            consecutiveFailures: streak.consecutiveFailures,
            pausedNow: streak.pausedNow
          })
        )
      } else {
        yield* Effect.logWarning("sync attempt failed; pg-boss retries the job").pipe(
          Effect.annotateLogs({ error: error._tag, reason: error.message })
        )
      }
      return yield* Effect.fail(error)
    })

export const handleSyncJob = (config: WorkerConfig, job: Job) =>
  Effect.gen(function* () {
    const data = yield* Schema.decodeUnknown(SyncJobData)(job.data)
    const runner = yield* ConnectionRunner.ConnectionRunner
    const liveness = yield* JobLiveness
    yield* liveness.hold(job.id)
    const startedAt = yield* Clock.currentTimeMillis
    yield* Effect.logInfo("sync job started").pipe(
      Effect.annotateLogs(
        data.dueAt === undefined
          ? {}
          : { dueAt: data.dueAt, lateMillis: startedAt - new Date(data.dueAt).getTime() }
      )
    )
    const connectionId = ConnectionId.make(data.connectionId)
    const slot = new Date(data.slot)
    const failed = attemptFailed(config, connectionId, job.retryCount >= job.retryLimit)

    const found = yield* Connections.findById(connectionId)
    if (Option.isNone(found)) {
      yield* Effect.logWarning("connection no longer exists; job skipped")
      return { outcome: "skipped", reason: "connection removed" } satisfies SyncJobOutcome
    }
    const connection = found.value
    if (connection.pausedAt !== null) {
      yield* Effect.logInfo("connection is paused; job skipped").pipe(
        Effect.annotateLogs({ pausedReason: connection.pausedReason ?? "" })
      )
      return { outcome: "skipped", reason: "connection paused" } satisfies SyncJobOutcome
    }
    yield* warnOfKeyExpiry(connection)

    const alreadySynced = yield* SyncRuns.slotSucceeded(connectionId, slot)
    const timedOut = () =>
      new JobTimedOut({ connection: connection.name, timeout: Duration.format(config.jobTimeout) })

    let outcome: SyncJobOutcome = { outcome: "already-synced" }
    if (alreadySynced) {
      yield* Effect.logInfo("slot already synced by an earlier attempt; only its backfill is enqueued")
    } else {
      // Only a job that is about to sync reads the ledger to say whether syncs outlast the slots.
      yield* warnIfSyncOutlastsSlots(connection, slot, runner.config.pacing)
      const session = yield* runner
        .open(connection, { trigger: "worker", slot, recordFailure: true })
        .pipe(Effect.catchAll(failed))
      const summary = yield* session
        .sync()
        .pipe(
          Effect.timeoutFail({ duration: config.jobTimeout, onTimeout: timedOut }),
          Effect.catchAll(failed)
        )
      yield* Connections.recordSuccess(connectionId)
      yield* Effect.logInfo("sync succeeded").pipe(
        Effect.annotateLogs({
          runId: summary.runId,
          users: summary.entities.org_user.staged,
          inserted: summary.entities.org_user.inserted,
          updated: summary.entities.org_user.updated,
          deleted: summary.entities.org_user.deleted,
          quarantined: summary.quarantined,
          apiCalls: summary.api.apiCalls
        })
      )
      outcome = { outcome: "synced", runId: summary.runId }
    }

    if (config.backfillBudget > 0) {
      // Sent before this job completes, so the connection always has a job pending until its backfill ends.
      const sent = yield* sendBackfillJob(config, {
        connectionId: data.connectionId,
        connection: data.connection,
        slot: data.slot
      })
      if (Option.isSome(sent)) yield* Effect.logInfo("backfill enqueued")
    }
    return outcome
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
  Option.match(Schema.decodeUnknownOption(SyncJobData)(data), {
    onNone: () => ({}),
    onSome: (valid) => ({ connectionId: valid.connectionId, connection: valid.connection, slot: valid.slot })
  })

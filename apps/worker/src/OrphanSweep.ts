/**
 * Recovery from a worker killed mid-job (SIGKILL, OOM, a lost node): every replica periodically looks for
 * sync and backfill jobs pg-boss still counts as active whose liveness lease nobody holds
 * (`BossTables.orphanedJobs`),
 * marks the connection's runs left `running` as `interrupted` (under the connection lock, which proves no live
 * process owns them) and fails the job through pg-boss, which retries it — on any replica — after its retry
 * delay. One replica sweeps at a time (`JobLiveness.exclusively`), so a job is never failed twice.
 *
 * Bound: a killed job is failed within `SEATSYNC_ORPHAN_GRACE + SEATSYNC_ORPHAN_CHECK_INTERVAL` of its
 * start or of the kill, whichever is later, and picked up again after the attempt's retry delay plus one
 * polling interval.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import { ConnectionId, Connections, Locks, SyncRuns } from "@seatsync/store"
import { Effect, Option, type ParseResult, Schema } from "effect"
import { Boss, type BossError } from "./Boss.js"
import { orphanedJobs } from "./BossTables.js"
import { JobLiveness } from "./JobLiveness.js"
import { BACKFILL_QUEUE, BackfillJobData, SYNC_QUEUE } from "./Queues.js"
import type { WorkerConfig } from "./WorkerConfig.js"

const workerDied = {
  tag: "WorkerDied",
  message: "the worker running this job stopped without finishing it; another replica retries it"
}

/** One sweep; returns the ids of the jobs it failed. */
export const sweepOrphans = (
  config: WorkerConfig
): Effect.Effect<
  ReadonlyArray<string>,
  BossError | SqlError.SqlError | ParseResult.ParseError,
  Boss | JobLiveness | SqlClient.SqlClient
> =>
  Effect.gen(function* () {
    const boss = yield* Boss
    const liveness = yield* JobLiveness
    const swept = yield* liveness.exclusively(
      Effect.gen(function* () {
        const failed: Array<string> = []
        for (const queue of [SYNC_QUEUE, BACKFILL_QUEUE]) {
          const orphans = yield* orphanedJobs(boss.schema, queue, config.orphanGrace)
          for (const orphan of orphans) {
            // Sync and backfill jobs carry the connection and the slot alike.
            const data = Schema.decodeUnknownOption(BackfillJobData)(orphan.data)
            if (Option.isSome(data)) {
              const connectionId = ConnectionId.make(data.value.connectionId)
              // Busy (the retry already runs, or the CLI syncs it): whoever holds the lock marks them itself.
              const interrupted = yield* Locks.withConnectionLock(
                connectionId,
                SyncRuns.markAbandoned(connectionId)
              ).pipe(Effect.catchAll(() => Effect.succeed([])))
              // A backfill's failure never counts towards pausing: its slot's sync succeeded.
              if (queue === SYNC_QUEUE && orphan.retryCount >= orphan.retryLimit) {
                yield* Connections.recordFailure(connectionId, {
                  reason: `${workerDied.tag}: ${workerDied.message}`,
                  pauseAfter: config.pauseAfterFailures
                })
              }
              yield* Effect.logWarning("orphaned job failed so that pg-boss retries it").pipe(
                Effect.annotateLogs({
                  queue,
                  jobId: orphan.id,
                  connectionId: data.value.connectionId,
                  connection: data.value.connection,
                  slot: data.value.slot,
                  interruptedRuns: interrupted.join(","),
                  startedOn: new Date(orphan.startedOn).toISOString()
                })
              )
            }
            yield* boss.fail(queue, orphan.id, workerDied)
            failed.push(orphan.id)
          }
        }
        return failed
      })
    )
    return swept ?? []
  }).pipe(Effect.withSpan("Worker.sweepOrphans"))

/**
 * The tick: decides which connections have a slot due now and enqueues one sync job per due slot. The
 * decision (`planTick`) is Effect code over plain values that reads the time from `Clock` (so tests drive it
 * with `TestClock`); `tick` feeds it from the store and pg-boss and enqueues what it decides.
 *
 * Exactly one job per slot, on any number of replicas ticking at once:
 * - a slot is due only if it is newer than the latest slot in the run ledger (`SyncRuns.lastServedSlots`: every
 *   attempt that reaches the database records its slot, succeeded or not, forever);
 * - a connection with a sync job still waiting, retrying or running gets no new one (so a backlog collapses
 *   into the latest slot once that job ends);
 * - the job id is derived from connection + slot (`Queues.syncJobId`), so concurrent ticks insert it once, and
 *   a job pg-boss has already finished — even archived — is found by that id and not enqueued again.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import { Connections, SyncRuns } from "@seatsync/store"
import { Clock, type Duration, Effect, Either, Option, type ParseResult } from "effect"
import { Boss, type BossError } from "./Boss.js"
import { pendingSyncConnections } from "./BossTables.js"
import { SYNC_QUEUE, sendSyncJob, syncJobId } from "./Queues.js"
import { dueSlot, type InvalidSchedule, parseSchedule, spreadMillis } from "./Slots.js"
import type { WorkerConfig } from "./WorkerConfig.js"

export interface DueSlot {
  readonly connectionId: number
  readonly connection: string
  readonly slot: Date
}

export interface TickPlan {
  readonly due: ReadonlyArray<DueSlot>
  /** Connections whose schedule cannot be read (reported, never enqueued). */
  readonly invalid: ReadonlyArray<InvalidSchedule>
}

export interface TickInput {
  readonly connections: ReadonlyArray<Connections.Connection>
  /** The latest slot with a run in the ledger, per connection id. */
  readonly lastServed: ReadonlyMap<number, Date>
  /** Connections with a sync job waiting, retrying or running. */
  readonly pending: ReadonlySet<number>
  readonly spread: Duration.Duration
}

/** Which slots are due at `Clock`'s now: paused connections and connections with a pending job are skipped. */
export const planTick = (input: TickInput): Effect.Effect<TickPlan> =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    const due: Array<DueSlot> = []
    const invalid: Array<InvalidSchedule> = []
    for (const connection of input.connections) {
      if (connection.pausedAt !== null || input.pending.has(connection.id)) continue
      const cron = parseSchedule(connection)
      if (Either.isLeft(cron)) {
        invalid.push(cron.left)
        continue
      }
      const slot = dueSlot({
        cron: cron.right,
        spreadMillis: spreadMillis(connection.id, input.spread),
        now,
        notBefore: connection.createdAt,
        lastServed: Option.fromNullable(input.lastServed.get(connection.id))
      })
      if (Option.isSome(slot))
        due.push({ connectionId: connection.id, connection: connection.name, slot: slot.value })
    }
    return { due, invalid }
  })

/** A due slot and its job: enqueued by this tick, or found already enqueued. */
export interface EnqueuedSlot extends DueSlot {
  readonly jobId: string
  readonly enqueuedNow: boolean
}

export const tick = (
  config: WorkerConfig
): Effect.Effect<
  ReadonlyArray<EnqueuedSlot>,
  BossError | SqlError.SqlError | ParseResult.ParseError,
  Boss | SqlClient.SqlClient
> =>
  Effect.gen(function* () {
    const boss = yield* Boss
    const plan = yield* planTick({
      connections: yield* Connections.list,
      lastServed: yield* SyncRuns.lastServedSlots,
      pending: yield* pendingSyncConnections(boss.schema),
      spread: config.scheduleSpread
    })
    for (const error of plan.invalid) {
      yield* Effect.logWarning(error.message).pipe(Effect.annotateLogs({ connection: error.connection }))
    }
    return yield* Effect.forEach(plan.due, (due) =>
      Effect.gen(function* () {
        const jobId = syncJobId(due.connectionId, due.slot)
        const existing = yield* boss.getJobById(SYNC_QUEUE, jobId)
        const sent = Option.isSome(existing)
          ? Option.none<string>()
          : yield* sendSyncJob(config, {
              connectionId: due.connectionId,
              connection: due.connection,
              slot: due.slot.toISOString()
            })
        if (Option.isSome(sent)) {
          yield* Effect.logInfo("slot enqueued").pipe(
            Effect.annotateLogs({
              connectionId: due.connectionId,
              connection: due.connection,
              slot: due.slot.toISOString(),
              jobId
            })
          )
        }
        return { ...due, jobId, enqueuedNow: Option.isSome(sent) }
      })
    )
  }).pipe(Effect.withSpan("Worker.tick"))

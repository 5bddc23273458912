/**
 * The worker's pg-boss queues and the shape of their jobs: `seatsync-tick` (fired by pg-boss's cron, once
 * across replicas), `seatsync-sync` (one job per connection and slot), `seatsync-sync-failed` (the
 * dead-letter queue of sync jobs that exhausted their retries) and `seatsync-backfill` (the last-active
 * backfill that follows a slot's successful sync, on its own queue and concurrency so that a long backfill
 * never holds a sync's place).
 */
import { createHash } from "node:crypto"
import { Duration, Effect, Schema } from "effect"
import { Boss, type BossError } from "./Boss.js"
import type { WorkerConfig } from "./WorkerConfig.js"

export const TICK_QUEUE = "seatsync-tick"
export const SYNC_QUEUE = "seatsync-sync"
export const DEAD_LETTER_QUEUE = "seatsync-sync-failed"
export const BACKFILL_QUEUE = "seatsync-backfill"

/** A sync job: one connection, one scheduled slot. */
export const SyncJobData = Schema.Struct({
  connectionId: Schema.Int,
  connection: Schema.String,
  /** The cron time served, ISO 8601. */
  slot: Schema.String,
  /** When the slot fell due (the slot plus the connection's spread), ISO 8601: how late the job starts. */
  dueAt: Schema.optional(Schema.String)
})
export type SyncJobData = typeof SyncJobData.Type

/** A backfill job: the last-active backfill after a connection's slot synced. */
export const BackfillJobData = Schema.Struct({
  connectionId: Schema.Int,
  connection: Schema.String,
  /** The slot whose sync it follows, ISO 8601. */
  slot: Schema.String
})
export type BackfillJobData = typeof BackfillJobData.Type

/**
 * The job id of a connection's slot: a name-based UUID (version 5 layout over SHA-1), so that enqueueing the
 * same slot twice — two replicas ticking at once, a tick repeated after a restart — inserts one job: pg-boss
 * inserts with `ON CONFLICT DO NOTHING` on its `(name, id)` key.
 */
export const syncJobId = (connectionId: number, slot: Date): string =>
  nameBasedUuid(`seatsync-sync:${connectionId}:${slot.toISOString()}`)

/** The backfill job id of a connection's slot: one backfill per synced slot, however often it is sent. */
export const backfillJobId = (connectionId: number, slot: Date): string =>
  nameBasedUuid(`seatsync-backfill:${connectionId}:${slot.toISOString()}`)

const nameBasedUuid = (name: string): string => {
  const bytes = createHash("sha1").update(name).digest()
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.subarray(0, 16).toString("hex")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** Creates the queues (idempotent: every replica does it at start). */
export const createQueues: Effect.Effect<void, BossError, Boss> = Effect.gen(function* () {
  const boss = yield* Boss
  yield* boss.createQueue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE, policy: "standard" })
  yield* boss.createQueue(SYNC_QUEUE, { name: SYNC_QUEUE, policy: "standard", deadLetter: DEAD_LETTER_QUEUE })
  yield* boss.createQueue(BACKFILL_QUEUE, { name: BACKFILL_QUEUE, policy: "standard" })
  // "short": at most one tick waits in the queue; ticks that pile up while no worker runs collapse into one.
  yield* boss.createQueue(TICK_QUEUE, {
    name: TICK_QUEUE,
    policy: "short",
    retryLimit: 0,
    expireInSeconds: 300
  })
})

/** Enqueues the sync job of a slot; none when that slot's job already exists. */
export const sendSyncJob = (config: WorkerConfig, data: SyncJobData) =>
  Effect.flatMap(Boss, (boss) =>
    boss.send(SYNC_QUEUE, data, {
      id: syncJobId(data.connectionId, new Date(data.slot)),
      singletonKey: `${data.connectionId}:${data.slot}`,
      retryLimit: config.retryLimit,
      retryDelay: Math.max(1, Math.round(Duration.toSeconds(config.retryDelay))),
      retryBackoff: true,
      // Our handler gives up at jobTimeout and fails the job itself; pg-boss's expiry is only the backstop.
      expireInSeconds: Math.ceil(Duration.toSeconds(config.jobTimeout)) + 60,
      deadLetter: DEAD_LETTER_QUEUE
    })
  )

/** Enqueues the backfill of a synced slot; none when that slot's backfill job already exists. */
export const sendBackfillJob = (config: WorkerConfig, data: BackfillJobData) =>
  Effect.flatMap(Boss, (boss) =>
    boss.send(BACKFILL_QUEUE, data, {
      id: backfillJobId(data.connectionId, new Date(data.slot)),
      singletonKey: `${data.connectionId}:${data.slot}`,
      retryLimit: config.retryLimit,
      retryDelay: Math.max(1, Math.round(Duration.toSeconds(config.retryDelay))),
      retryBackoff: true,
      expireInSeconds: Math.ceil(Duration.toSeconds(config.jobTimeout)) + 60
    })
  )

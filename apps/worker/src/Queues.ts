/**
 * The worker's pg-boss queues and the shape of their jobs: `seatsync-tick` (fired by pg-boss's cron, once
 * across replicas), `seatsync-sync` (one job per connection and slot) and `seatsync-sync-failed` (the
 * dead-letter queue of sync jobs that exhausted their retries).
 */
import { createHash } from "node:crypto"
import { Duration, Effect, Schema } from "effect"
import { Boss, type BossError } from "./Boss.js"
import type { WorkerConfig } from "./WorkerConfig.js"

export const TICK_QUEUE = "seatsync-tick"
export const SYNC_QUEUE = "seatsync-sync"
export const DEAD_LETTER_QUEUE = "seatsync-sync-failed"

/** A sync job: one connection, one scheduled slot. */
export const SyncJobData = Schema.Struct({
  connectionId: Schema.Int,
  connection: Schema.String,
  /** The cron time served, ISO 8601. */
  slot: Schema.String
})
export type SyncJobData = typeof SyncJobData.Type

/**
 * The job id of a connection's slot: a name-based UUID (version 5 layout over SHA-1), so that enqueueing the
 * same slot twice — two replicas ticking at once, a tick repeated after a restart — inserts one job: pg-boss
 * inserts with `ON CONFLICT DO NOTHING` on its `(name, id)` key.
 */
export const syncJobId = (connectionId: number, slot: Date): string => {
  const bytes = createHash("sha1").update(`seatsync-sync:${connectionId}:${slot.toISOString()}`).digest()
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

/**
 * Per-entity buffers between extraction and staging: records accumulate up to a batch size and are staged in
 * one statement, so memory stays bounded and no record costs a round trip; rejected records go to the
 * quarantine the same way. A full batch is staged by a fiber of its own while the listings go on fetching
 * and decoding; only when the previous batch is still being staged does the next full one wait for it, and
 * it waits in its buffer (taken out only once it may be written), so at most one batch is in flight besides
 * the one filling per entity. Every listing must name each key once per run: a key staged twice fails the
 * run with `RepeatedRecords` (the staging table's unique index finds it, so nothing is held in memory); a
 * batch that fails in the background fails the next `add` or `flush`, and no batch is written after it.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import type { Rejected } from "@seatsync/normalise"
import { type ConnectionId, Entities, Quarantine, type RunId, Staging } from "@seatsync/store"
import { type Cause, Effect, type Scope } from "effect"
import { listingOf, RepeatedRecords } from "./RepeatedRecords.js"

export interface StagingBuffer {
  /** Buffers records of `entity`, staging a batch whenever the buffer is full. */
  readonly add: <E extends Entities.Entity>(
    entity: E,
    records: ReadonlyArray<Entities.EntityRecord[E]>
  ) => Effect.Effect<void, SqlError.SqlError | RepeatedRecords, SqlClient.SqlClient>
  /** Buffers rejected records for the quarantine. */
  readonly reject: (
    rejected: ReadonlyArray<Rejected>
  ) => Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient>
  /** Waits for the batch in flight, then stages and quarantines whatever is left. */
  readonly flush: Effect.Effect<void, SqlError.SqlError | RepeatedRecords, SqlClient.SqlClient>
  /** Records staged so far, per entity. */
  readonly staged: () => Readonly<Partial<Record<Entities.Entity, number>>>
  readonly rejectedCount: () => number
  /** Records quarantined so far, per entity they were meant to become. */
  readonly rejectedByEntity: () => Readonly<Record<string, number>>
}

/**
 * A buffer whose background staging lives in the current scope: closing it (the run ends, fails or is
 * interrupted) interrupts a batch still in flight.
 */
export const makeStagingBuffer = (
  runId: RunId,
  connectionId: ConnectionId,
  batchSize: number
): Effect.Effect<StagingBuffer, never, Scope.Scope> =>
  Effect.map(Effect.scope, (scope) => stagingBufferIn(scope, runId, connectionId, batchSize))

const stagingBufferIn = (
  scope: Scope.Scope,
  runId: RunId,
  connectionId: ConnectionId,
  batchSize: number
): StagingBuffer => {
  const buffers: { [E in Entities.Entity]?: Array<Entities.EntityRecord[E]> } = {}
  const staged: Partial<Record<Entities.Entity, number>> = {}
  let rejectedBuffer: Array<Rejected> = []
  let rejectedTotal = 0
  const rejectedPerEntity: Record<string, number> = {}
  // Stages are serialised: concurrent extractors share one buffer per entity.
  const lock = Effect.unsafeMakeSemaphore(1)
  // One batch staged in the background at a time; a full buffer waits for the permit before it is taken.
  const inFlight = Effect.unsafeMakeSemaphore(1)
  // The first failure of a background batch, raised by the next `add` or `flush`.
  let failure: Cause.Cause<SqlError.SqlError | RepeatedRecords> | undefined
  const raiseFailure = Effect.suspend(() => (failure === undefined ? Effect.void : Effect.failCause(failure)))

  /**
   * Once the previous background batch is done, takes `entity`'s full buffer and stages it in a fiber of its
   * own. The permit comes first, so no batch is taken out of its buffer to wait; and a failure of the
   * previous batch is checked once it is known, so no write starts after one.
   */
  const inBackground = <E extends Entities.Entity>(entity: E) =>
    Effect.uninterruptibleMask((restore) =>
      restore(inFlight.take(1)).pipe(
        Effect.zipRight(
          Effect.suspend(() => {
            const batch = failure === undefined ? takeBatch(entity, false) : []
            // Failed, or another walk took the batch while this one waited: nothing to write.
            if (batch.length === 0) return inFlight.release(1)
            return Effect.asVoid(
              Effect.forkIn(
                Effect.interruptible(lock.withPermits(1)(stageEntity(entity, batch))).pipe(
                  Effect.catchAllCause((cause) =>
                    Effect.sync(() => {
                      failure ??= cause
                    })
                  ),
                  Effect.ensuring(inFlight.release(1))
                ),
                scope
              )
            )
          })
        )
      )
    ).pipe(Effect.zipRight(raiseFailure))

  const stageEntity = <E extends Entities.Entity>(
    entity: E,
    records: ReadonlyArray<Entities.EntityRecord[E]>
  ) =>
    records.length === 0
      ? Effect.void
      : Effect.flatMap(Staging.stageListed(entity, runId, connectionId, records), (batch) => {
          staged[entity] = (staged[entity] ?? 0) + batch.staged
          return batch.repeated === 0
            ? Effect.void
            : new RepeatedRecords({
                listing: listingOf(entity),
                entity,
                repeated: batch.repeated,
                key: batch.repeatedKey ?? ""
              })
        })

  const takeBatch = <E extends Entities.Entity>(
    entity: E,
    all: boolean
  ): ReadonlyArray<Entities.EntityRecord[E]> => {
    const buffer: Array<Entities.EntityRecord[E]> = buffers[entity] ?? []
    if (buffer.length === 0 || (!all && buffer.length < batchSize)) return []
    buffers[entity] = [] as (typeof buffers)[E]
    return buffer
  }

  const add = <E extends Entities.Entity>(entity: E, records: ReadonlyArray<Entities.EntityRecord[E]>) =>
    Effect.suspend(() => {
      if (failure !== undefined) return Effect.failCause(failure)
      const buffer: Array<Entities.EntityRecord[E]> = buffers[entity] ?? []
      for (const record of records) buffer.push(record)
      buffers[entity] = buffer as (typeof buffers)[E]
      return buffer.length < batchSize ? Effect.void : inBackground(entity)
    })

  const reject = (rejected: ReadonlyArray<Rejected>) =>
    Effect.suspend(() => {
      rejectedBuffer.push(...rejected)
      rejectedTotal += rejected.length
      for (const record of rejected) {
        rejectedPerEntity[record.entity] = (rejectedPerEntity[record.entity] ?? 0) + 1
      }
      if (rejectedBuffer.length < batchSize) return Effect.void
      const batch = rejectedBuffer
      rejectedBuffer = []
      return lock.withPermits(1)(Quarantine.record(runId, connectionId, batch))
    })

  const flush = inFlight.withPermits(1)(
    raiseFailure.pipe(
      Effect.zipRight(
        lock.withPermits(1)(
          Effect.suspend(() =>
            Effect.forEach(Entities.entities, (entity) => stageEntity(entity, takeBatch(entity, true)), {
              discard: true
            }).pipe(
              Effect.zipRight(
                Effect.suspend(() => {
                  const batch = rejectedBuffer
                  rejectedBuffer = []
                  return Quarantine.record(runId, connectionId, batch)
                })
              )
            )
          )
        )
      )
    )
  )

  return {
    add,
    reject,
    flush,
    staged: () => ({ ...staged }),
    rejectedCount: () => rejectedTotal,
    rejectedByEntity: () => ({ ...rejectedPerEntity })
  }
}

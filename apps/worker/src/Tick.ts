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
 *
 * Connections that share an organisation (the same `orgId`) share its rate window, so running them side by
 * side only makes each slower: a due slot whose organisation has another connection's sync or backfill job
 * pending is deferred (logged once per slot and counted) until that job ends, and of several due at once the
 * lowest id goes first. Ticks run one replica at a time (`SchedulerLock`), so a replica ticking at the same
 * instant sees the jobs the other has just enqueued.
 *
 * The plan also says when the next slot falls due, so that every replica can tick then, not a minute later.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import { Connections, JobQueueReadings, SchedulerLock, SyncRuns } from "@seatsync/store"
import { Clock, type Cron, type Duration, Effect, Either, Option, type ParseResult } from "effect"
import { Boss, type BossError } from "./Boss.js"
import { pendingSyncConnections } from "./BossTables.js"
import { BACKFILL_QUEUE, SYNC_QUEUE, sendSyncJob, syncJobId } from "./Queues.js"
import { dueSlot, type InvalidSchedule, memoNext, nextDueAt, parseSchedule, spreadMillis } from "./Slots.js"
import type { WorkerConfig } from "./WorkerConfig.js"

export interface DueSlot {
  readonly connectionId: number
  readonly connection: string
  readonly slot: Date
  /** When it fell due: the slot plus the connection's spread. */
  readonly dueAt: Date
}

/** A due slot held back because another connection of its organisation has a job pending. */
export interface DeferredSlot extends DueSlot {
  readonly orgId: string
  /** The organisation's connections whose job is pending (or enqueued by this tick). */
  readonly busyWith: ReadonlyArray<string>
}

export interface TickPlan {
  readonly due: ReadonlyArray<DueSlot>
  readonly deferred: ReadonlyArray<DeferredSlot>
  /** Connections whose schedule cannot be read (reported, never enqueued). */
  readonly invalid: ReadonlyArray<InvalidSchedule>
  /** When the next slot of a connection with nothing due now falls due (none: no schedule matches again). */
  readonly nextDueAt: Option.Option<Date>
}

export interface TickInput {
  readonly connections: ReadonlyArray<Connections.Connection>
  /** The latest slot with a run in the ledger, per connection id. */
  readonly lastServed: ReadonlyMap<number, Date>
  /** Connections with a sync job waiting, retrying or running. */
  readonly pending: ReadonlySet<number>
  /** Connections with a backfill job waiting, retrying or running (busy with their organisation's window). */
  readonly pendingBackfill?: ReadonlySet<number> | undefined
  readonly spread: Duration.Duration
  /** Only these connections are considered (`--once` running the slots it deferred); all when absent. */
  readonly only?: ReadonlySet<number> | undefined
}

/**
 * Which slots are due at `Clock`'s now: paused connections and connections with a pending sync job are
 * skipped, and a slot whose organisation is busy with another connection's job is deferred.
 */
export const planTick = (input: TickInput): Effect.Effect<TickPlan> =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    const due: Array<DueSlot> = []
    const deferred: Array<DeferredSlot> = []
    const invalid: Array<InvalidSchedule> = []
    let next: number | undefined
    /** Organisation → names of its connections with a job pending or enqueued by this plan. */
    const busy = new Map<string, Array<string>>()
    const markBusy = (connection: Connections.Connection) =>
      busy.set(connection.orgId, [...(busy.get(connection.orgId) ?? []), connection.name])
    for (const connection of input.connections) {
      if (input.pending.has(connection.id) || input.pendingBackfill?.has(connection.id) === true)
        markBusy(connection)
    }
    // A fleet shares a handful of schedules: each is parsed once, and `Cron.next` from one instant computed once.
    const crons = new Map<string, Cron.Cron>()
    const cronNext = memoNext()
    const byId = input.connections.slice().sort((a, b) => a.id - b.id)
    for (const connection of byId) {
      if (connection.pausedAt !== null || input.pending.has(connection.id)) continue
      if (input.only !== undefined && !input.only.has(connection.id)) continue
      const key = `${connection.timeZone} ${connection.schedule}`
      const cached = crons.get(key)
      const cron = cached === undefined ? parseSchedule(connection) : Either.right(cached)
      if (Either.isLeft(cron)) {
        invalid.push(cron.left)
        continue
      }
      crons.set(key, cron.right)
      const spread = spreadMillis(connection.id, input.spread)
      const lastServed = Option.fromNullable(input.lastServed.get(connection.id))
      const slot = dueSlot({
        cron: cron.right,
        spreadMillis: spread,
        now,
        notBefore: connection.createdAt,
        lastServed,
        next: cronNext
      })
      if (Option.isNone(slot)) {
        const at = nextDueOf(
          cron.right,
          spread,
          now,
          Option.getOrElse(lastServed, () => connection.createdAt),
          cronNext
        )
        if (at !== undefined && (next === undefined || at < next)) next = at
        continue
      }
      const found: DueSlot = {
        connectionId: connection.id,
        connection: connection.name,
        slot: slot.value,
        dueAt: new Date(slot.value.getTime() + spread)
      }
      const busyWith = (busy.get(connection.orgId) ?? []).filter((name) => name !== connection.name)
      if (busyWith.length > 0) {
        deferred.push({ ...found, orgId: connection.orgId, busyWith })
      } else {
        due.push(found)
        markBusy(connection)
      }
    }
    return {
      due,
      deferred,
      invalid,
      nextDueAt: next === undefined ? Option.none() : Option.some(new Date(next))
    }
  })

/**
 * The next due instant after `now`, or none when the expression never matches again. Usually the first slot
 * after the last one served (memoised: shared by the fleet), plus the spread.
 */
const nextDueOf = (
  cron: Cron.Cron,
  spread: number,
  now: number,
  after: Date,
  cronNext: (cron: Cron.Cron, after: Date) => Date
): number | undefined => {
  try {
    const following = cronNext(cron, after).getTime() + spread
    return following > now ? following : nextDueAt(cron, spread, now).getTime()
  } catch {
    return undefined
  }
}

/** A due slot and its job: enqueued by this tick, or found already enqueued. */
export interface EnqueuedSlot extends DueSlot {
  readonly jobId: string
  readonly enqueuedNow: boolean
}

/** What a tick did: the slots it found due (enqueued now or before), those deferred, and the next due time. */
export interface TickResult {
  readonly enqueued: ReadonlyArray<EnqueuedSlot>
  readonly deferred: ReadonlyArray<DeferredSlot>
  readonly nextDueAt: Option.Option<Date>
}

/** How a tick reports deferred slots to its process: counted and logged once per slot. */
export interface TickHooks {
  readonly onSlotDeferred: Effect.Effect<void>
  /** Deferrals this process has logged already (`connectionId:slot`). */
  readonly seen: Set<string>
}

const silentHooks = (): TickHooks => ({ onSlotDeferred: Effect.void, seen: new Set() })

/** The tick, with what it deferred and when the next slot falls due. */
export const tickPlanned = (
  config: WorkerConfig,
  hooks: TickHooks = silentHooks(),
  only?: ReadonlySet<number>
): Effect.Effect<
  TickResult,
  BossError | SqlError.SqlError | ParseResult.ParseError,
  Boss | SqlClient.SqlClient
> =>
  Effect.gen(function* () {
    const boss = yield* Boss
    const plan = yield* planTick({
      connections: yield* Connections.list,
      lastServed: yield* SyncRuns.lastServedSlots,
      pending: yield* pendingSyncConnections(boss.schema),
      pendingBackfill: yield* JobQueueReadings.pendingConnections({
        schema: boss.schema,
        queue: BACKFILL_QUEUE
      }),
      spread: config.scheduleSpread,
      only
    })
    for (const error of plan.invalid) {
      yield* Effect.logWarning(error.message).pipe(Effect.annotateLogs({ connection: error.connection }))
    }
    for (const slot of plan.deferred) {
      const key = `${slot.connectionId}:${slot.slot.toISOString()}`
      if (hooks.seen.has(key)) continue
      hooks.seen.add(key)
      yield* hooks.onSlotDeferred
      yield* Effect.logInfo(
        "slot deferred: the connection shares its organisation (and its rate window) with a connection whose job is pending; it runs when that job ends"
      ).pipe(
        Effect.annotateLogs({
          connectionId: slot.connectionId,
          connection: slot.connection,
          slot: slot.slot.toISOString(),
          orgId: slot.orgId,
          busyWith: slot.busyWith.join(",")
        })
      )
    }
    const enqueued = yield* Effect.forEach(plan.due, (due) =>
      Effect.gen(function* () {
        const jobId = syncJobId(due.connectionId, due.slot)
        const existing = yield* boss.getJobById(SYNC_QUEUE, jobId)
        const sent = Option.isSome(existing)
          ? Option.none<string>()
          : yield* sendSyncJob(config, {
              connectionId: due.connectionId,
              connection: due.connection,
              slot: due.slot.toISOString(),
              dueAt: due.dueAt.toISOString()
            })
        if (Option.isSome(sent)) {
          yield* Effect.logInfo("slot enqueued").pipe(
            Effect.annotateLogs({
              connectionId: due.connectionId,
              connection: due.connection,
              slot: due.slot.toISOString(),
              dueAt: due.dueAt.toISOString(),
              jobId
            })
          )
        }
        return { ...due, jobId, enqueuedNow: Option.isSome(sent) }
      })
    )
    return { enqueued, deferred: plan.deferred, nextDueAt: plan.nextDueAt }
  }).pipe(SchedulerLock.withLock, Effect.withSpan("Worker.tick"))

/** One tick: the slots due now, each enqueued once. */
export const tick = (
  config: WorkerConfig,
  hooks: TickHooks = silentHooks()
): Effect.Effect<
  ReadonlyArray<EnqueuedSlot>,
  BossError | SqlError.SqlError | ParseResult.ParseError,
  Boss | SqlClient.SqlClient
> => Effect.map(tickPlanned(config, hooks), (result) => result.enqueued)

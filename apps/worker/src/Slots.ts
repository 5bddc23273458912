/**
 * When a connection is due: its cron expression read in its IANA time zone (effect's `Cron`, five fields, or
 * six with seconds first), a deterministic per-connection spread after each slot, and the rule that only the
 * latest due slot runs — however many were missed while no worker ran.
 */
import { Cron, Data, Duration, Either, Option } from "effect"

export class InvalidSchedule extends Data.TaggedError("InvalidSchedule")<{
  readonly connection: string
  readonly schedule: string
  readonly timeZone: string
  readonly reason: string
}> {
  override get message() {
    return `Connection "${this.connection}" has a schedule the worker cannot read ("${this.schedule}" in ${this.timeZone}: ${this.reason}); fix it with \`seatsync connect ${this.connection} --update --schedule '<cron>' --timezone <IANA zone>\``
  }
}

/** The connection's cron in its time zone. */
export const parseSchedule = (connection: {
  readonly name: string
  readonly schedule: string
  readonly timeZone: string
}): Either.Either<Cron.Cron, InvalidSchedule> =>
  Either.mapLeft(
    Cron.parse(connection.schedule, connection.timeZone),
    (error) =>
      new InvalidSchedule({
        connection: connection.name,
        schedule: connection.schedule,
        timeZone: connection.timeZone,
        reason: error.message
      })
  )

/**
 * The connection's delay after every slot, from 0 to `spread` in whole seconds: a hash of its id, so it is the
 * same on every replica and every night, and a thousand connections on one cron do not start in the same second.
 */
export const spreadMillis = (connectionId: number, spread: Duration.Duration): number => {
  const seconds = Math.floor(Duration.toSeconds(spread))
  if (seconds <= 0) return 0
  // FNV-1a over the id's decimal digits, then an avalanche step so neighbouring ids land far apart.
  let hash = 0x811c9dc5
  for (const char of String(connectionId)) {
    hash ^= char.charCodeAt(0)
    hash = Math.imul(hash, 0x01000193)
  }
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  return ((hash >>> 0) % (seconds + 1)) * 1000
}

/** The latest cron time at or before `at` (none when the expression never matches, e.g. 30 February). */
export const latestSlotAtOrBefore = (cron: Cron.Cron, at: number): Option.Option<Date> => {
  // `Cron.prev` is strictly before its start and works in whole seconds: start one second after `at`.
  const start = Math.floor(at / 1000) * 1000 + 1000
  try {
    return Option.some(Cron.prev(cron, new Date(start)))
  } catch {
    // effect 3.22's `Cron.prev` throws on a spring-forward day when the zone's gap lies between the slot and
    // `at` (e.g. 02:00 in Europe/Berlin on the last Sunday of March), while `Cron.next` maps the missing time
    // to the first instant after the gap. Walk forward with `next` over growing windows instead.
    return latestSlotByWalkingForward(cron, start - 1000)
  }
}

const lookBackWindows = [3_600_000, 86_400_000, 8 * 86_400_000, 32 * 86_400_000, 367 * 86_400_000]

const latestSlotByWalkingForward = (cron: Cron.Cron, at: number): Option.Option<Date> => {
  for (const window of lookBackWindows) {
    let cursor = new Date(at - window)
    let latest = Option.none<Date>()
    try {
      for (let step = 0; step < 100_000; step++) {
        const next = Cron.next(cron, cursor)
        if (next.getTime() > at) break
        latest = Option.some(next)
        cursor = next
      }
    } catch {
      return latest
    }
    if (Option.isSome(latest)) return latest
  }
  return Option.none()
}

export interface SlotInput {
  readonly cron: Cron.Cron
  /** This connection's spread (`spreadMillis`). */
  readonly spreadMillis: number
  readonly now: number
  /** Slots before this instant are not the connection's (it did not exist yet). */
  readonly notBefore: Date
  /** The latest slot already served (attempted) for the connection, if any. */
  readonly lastServed: Option.Option<Date>
  /**
   * `Cron.next`, or a memo of it shared by a tick's connections (most of a fleet shares one schedule and one
   * last slot, so one call serves them all).
   */
  readonly next?: ((cron: Cron.Cron, after: Date) => Date) | undefined
}

/** A memo of `Cron.next` for one tick: the same expression after the same instant is computed once. */
export const memoNext = (): ((cron: Cron.Cron, after: Date) => Date) => {
  const memo = new Map<Cron.Cron, Map<number, Date>>()
  return (cron, after) => {
    let byAfter = memo.get(cron)
    if (byAfter === undefined) {
      byAfter = new Map()
      memo.set(cron, byAfter)
    }
    const found = byAfter.get(after.getTime())
    if (found !== undefined) return found
    const next = Cron.next(cron, after)
    byAfter.set(after.getTime(), next)
    return next
  }
}

/** Slots walked forward from the last one served before jumping back from now with `Cron.prev` instead. */
const maxForwardSteps = 16

/**
 * The slot to run now, if any: the latest slot whose spread has elapsed, unless it is older than the
 * connection or not newer than the last slot served. A worker down for three nights therefore runs one
 * slot, the last, when it comes back.
 *
 * It walks forward from the last slot served (usually one or two `Cron.next` calls: cheap, and exact on
 * daylight-saving days) and only after many missed slots jumps back from now with `Cron.prev`.
 */
export const dueSlot = (input: SlotInput): Option.Option<Date> => {
  const at = input.now - input.spreadMillis
  const isNew = (slot: Date) =>
    slot.getTime() >= input.notBefore.getTime() &&
    Option.match(input.lastServed, { onNone: () => true, onSome: (last) => slot.getTime() > last.getTime() })
  let cursor = Option.getOrElse(input.lastServed, () => new Date(input.notBefore.getTime() - 1000))
  let latest = Option.none<Date>()
  try {
    for (let step = 0; step < maxForwardSteps; step++) {
      const next = (input.next ?? Cron.next)(input.cron, cursor)
      if (next.getTime() > at) return Option.filter(latest, isNew)
      latest = Option.some(next)
      cursor = next
    }
  } catch {
    // No further match (an expression that stops matching): what was found so far is the latest.
    return Option.filter(latest, isNew)
  }
  return Option.filter(latestSlotAtOrBefore(input.cron, at), isNew)
}

/** When the connection's next slot becomes due (its spread included), for logs. */
export const nextDueAt = (cron: Cron.Cron, spread: number, now: number): Date =>
  new Date(Cron.next(cron, new Date(now - spread)).getTime() + spread)

/**
 * Whether a connection's full sync fits between two of its scheduled slots: the estimate (`SyncPlan`) from
 * what the worker already has — the last succeeded run's staged counts, no call to Atlassian — at the
 * pacing in force, against the time from the slot a job serves to the next slot of the connection's cron
 * (in its time zone). A sync that does not fit runs into its next slot every time; the worker says so once
 * per job, in a warning line, before it syncs.
 */
import type { PacingOptions } from "@seatsync/atlassian-client"
import type { Connections } from "@seatsync/store"
import { formatWallTime, planSync, previousRunSize, type SyncPlan, sizeFromPreviousRun } from "@seatsync/sync"
import { Cron, Effect, Either, Option } from "effect"
import { parseSchedule } from "./Slots.js"

/** The time from `slot` to the cron's next slot after it; none when the cron never matches again. */
export const slotGapMillis = (cron: Cron.Cron, slot: Date): Option.Option<number> => {
  try {
    return Option.some(Cron.next(cron, slot).getTime() - slot.getTime())
  } catch {
    return Option.none()
  }
}

/** The verdict of one connection's estimate against its slots. */
export interface ScheduleFit {
  readonly plan: SyncPlan
  readonly gapMillis: number
  /** False when the least wall time the pacing allows is longer than the gap between two slots. */
  readonly fits: boolean
}

/** Pure: the plan's least wall time against the gap (an unpaced plan has no lower bound: it fits). */
export const judgeFit = (plan: SyncPlan, gapMillis: number): ScheduleFit => ({
  plan,
  gapMillis,
  fits: plan.wallSeconds === undefined || plan.wallSeconds * 1000 <= gapMillis
})

/**
 * Logs a warning when the connection's estimated sync outlasts the gap from `slot` to its next slot. Silent
 * when the connection never succeeded (nothing to estimate from without asking Atlassian) and never fails:
 * a reading error is a debug line, never a failed job.
 */
export const warnIfSyncOutlastsSlots = (
  connection: Connections.Connection,
  slot: Date,
  pacing: PacingOptions
) =>
  Effect.gen(function* () {
    const cron = Either.getOrUndefined(parseSchedule(connection))
    if (cron === undefined) return Option.none<ScheduleFit>()
    const gap = slotGapMillis(cron, slot)
    const previous = yield* previousRunSize(connection.id)
    if (Option.isNone(gap) || Option.isNone(previous)) return Option.none<ScheduleFit>()
    const fit = judgeFit(planSync(sizeFromPreviousRun(previous.value), pacing), gap.value)
    if (!fit.fits) {
      yield* Effect.logWarning(
        `the estimated full sync (~${fit.plan.totalCalls} API calls, at least ${formatWallTime(fit.plan.wallSeconds ?? 0)} at ${pacing.requestsPerSecond} calls/s) does not fit between two scheduled slots (${formatWallTime(fit.gapMillis / 1000)} apart, ${connection.schedule} in ${connection.timeZone}): each run will still be going when the next slot is due; schedule it less often (\`seatsync connect ${connection.name} --update --schedule '<cron>'\`) or raise SEATSYNC_REQUESTS_PER_SECOND if Atlassian allows more`
      ).pipe(
        Effect.annotateLogs({
          estimatedApiCalls: fit.plan.totalCalls,
          estimatedSeconds: Math.ceil(fit.plan.wallSeconds ?? 0),
          slotGapSeconds: Math.round(fit.gapMillis / 1000),
          estimateFromRun: previous.value.runId
        })
      )
    }
    return Option.some(fit)
  }).pipe(
    Effect.catchAll((error) =>
      Effect.as(
        Effect.logDebug("could not estimate the sync against the schedule").pipe(
          Effect.annotateLogs({ error: error._tag })
        ),
        Option.none<ScheduleFit>()
      )
    )
  )

/**
 * `backfillLastActive`: asks `last-active-dates` (200 calls per minute per organisation) about the users whose
 * activity is missing or stale, most stale first, within a budget of calls. Work is merged in chunks — each
 * chunk is one run in the ledger — so an interruption loses at most the chunk in progress, and `resume`
 * continues with what is left of the budget.
 */
import type { SqlClient } from "@effect/sql"
import { AtlassianClient, type RetryNotice, withRetryObserver } from "@seatsync/atlassian-client"
import { activityFromLastActiveDates, makeProductIndex, type ProductActivity } from "@seatsync/normalise"
import {
  Checkpoints,
  Locks,
  ProductActivities,
  Products,
  Quarantine,
  RunMerge,
  Staging,
  SyncRuns
} from "@seatsync/store"
import { Cause, Clock, Effect, Exit, Option, Schema } from "effect"
import type { SyncConnection, SyncError } from "./RunSync.js"

export interface BackfillOptions {
  /** At most this many `last-active-dates` calls in all (default 5000: 25 minutes at Atlassian's limit). */
  readonly budget?: number | undefined
  /** Continue the previous backfill's remaining budget instead of starting afresh. */
  readonly resume?: boolean | undefined
  /** Activity observed longer ago than this is stale (default 7 days). */
  readonly staleAfterDays?: number | undefined
  /** Users per chunk (one run in the ledger each); default 200, a minute of calls. */
  readonly chunkSize?: number | undefined
  readonly trigger?: "cli" | "worker" | undefined
  /** Called after every chunk with the users done so far and the budget left. */
  readonly onProgress?: ((done: number, remaining: number) => Effect.Effect<void>) | undefined
  /**
   * Called after every `last-active-dates` answer with the users asked so far in this invocation and the
   * budget left after them: often enough for a progress bar, while `onProgress` reports merged chunks.
   */
  readonly onUserAsked?: ((asked: number, remaining: number) => Effect.Effect<void>) | undefined
  /** Called before the client retries a call (what failed, where, attempt N of M, the wait). */
  readonly onRetry?: ((notice: RetryNotice) => Effect.Effect<void>) | undefined
}

export interface BackfillSummary {
  /** Users asked about in this invocation. */
  readonly users: number
  /** Activity rows written (new or changed). */
  readonly activityChanged: number
  /** Users Atlassian no longer knows (404): left to the next full sync. */
  readonly notFound: number
  /** Budget left; 0 means the budget ran out before the stale users did. */
  readonly remainingBudget: number
  /** True when no stale user is left. */
  readonly complete: boolean
}

const task = "backfill:last-active"
const Checkpoint = Schema.parseJson(Schema.Struct({ remaining: Schema.Int }))

export const backfillLastActive = (
  connection: SyncConnection,
  options: BackfillOptions = {}
): Effect.Effect<BackfillSummary, SyncError, AtlassianClient.AtlassianClient | SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const client = yield* AtlassianClient.AtlassianClient
    const chunkSize = Math.max(1, options.chunkSize ?? 200)
    const saved = options.resume === true ? yield* Checkpoints.load(connection.id, task) : Option.none()
    let remaining = Option.match(saved, {
      onNone: () => Math.max(0, options.budget ?? 5000),
      onSome: (cursor) =>
        Schema.decodeOption(Checkpoint)(cursor).pipe(
          Option.map((c) => c.remaining),
          Option.getOrElse(() => 0)
        )
    })
    let users = 0
    let activityChanged = 0
    let notFound = 0
    const products = yield* productIndex(connection)

    while (remaining > 0) {
      const now = new Date(yield* Clock.currentTimeMillis)
      const staleBefore = new Date(now.getTime() - (options.staleAfterDays ?? 7) * 86_400_000)
      const stale = yield* ProductActivities.staleUsers(connection.id, {
        staleBefore,
        limit: Math.min(chunkSize, remaining)
      })
      if (stale.length === 0) break
      const chunk = yield* Locks.withConnectionLock(
        connection.id,
        Effect.gen(function* () {
          const runId = yield* SyncRuns.start(connection.id, options.trigger ?? "cli")
          let askedInChunk = 0
          const asked = Effect.suspend(() => {
            askedInChunk += 1
            return options.onUserAsked === undefined
              ? Effect.void
              : options.onUserAsked(users + askedInChunk, remaining - askedInChunk)
          })
          const work = Effect.gen(function* () {
            const results = yield* Effect.forEach(
              stale,
              (user) =>
                client.lastActiveDates(connection.orgId, user.accountId).pipe(
                  Effect.map((dates) =>
                    activityFromLastActiveDates(user.accountId, dates, products, now, user.productIds)
                  ),
                  // A user deleted since the last sync: nothing to record, the next full sync removes them.
                  Effect.map(Option.some),
                  Effect.catchTag("ResourceNotFound", () => Effect.succeed(Option.none())),
                  Effect.tap(() => asked)
                ),
              { concurrency: 4 }
            )
            const activities: Array<ProductActivity> = []
            for (const result of results) {
              if (Option.isNone(result)) {
                notFound += 1
                continue
              }
              activities.push(...result.value.activities)
              yield* Quarantine.record(runId, connection.id, result.value.rejected)
            }
            yield* Staging.stage("product_activity", runId, connection.id, activities)
            const stats = yield* client.stats
            const merged = yield* RunMerge.mergeRun(runId, connection.id, {
              complete: {},
              today: now,
              stats: {
                entityCounts: { "backfill.users": stale.length },
                apiCalls: stats.apiCalls,
                retries: stats.retries,
                rateLimited: stats.rateLimited,
                sleptMs: stats.sleptMillis
              }
            })
            return merged.entities.product_activity.inserted + merged.entities.product_activity.updated
          })
          return yield* work.pipe(
            Effect.onExit((exit) =>
              Exit.isSuccess(exit)
                ? Effect.void
                : Staging.discardRun(runId).pipe(
                    Effect.zipRight(
                      Cause.isInterruptedOnly(exit.cause)
                        ? SyncRuns.interrupt(runId, SyncRuns.emptyStats)
                        : SyncRuns.fail(
                            runId,
                            { _tag: "BackfillFailed", message: Cause.pretty(exit.cause) },
                            SyncRuns.emptyStats
                          )
                    ),
                    Effect.ignore
                  )
            )
          )
        })
      )
      users += stale.length
      activityChanged += chunk
      remaining -= stale.length
      yield* Checkpoints.save(connection.id, task, JSON.stringify({ remaining }))
      if (options.onProgress !== undefined) yield* options.onProgress(users, remaining)
    }
    const left = yield* ProductActivities.staleUsers(connection.id, {
      staleBefore: new Date((yield* Clock.currentTimeMillis) - (options.staleAfterDays ?? 7) * 86_400_000),
      limit: 1
    })
    if (left.length === 0) yield* Checkpoints.clear(connection.id, task)
    return { users, activityChanged, notFound, remainingBudget: remaining, complete: left.length === 0 }
  }).pipe(
    (backfill) => (options.onRetry === undefined ? backfill : withRetryObserver(options.onRetry)(backfill)),
    Effect.withSpan("backfillLastActive", { attributes: { connection: connection.name } })
  )

/** The connection's live products, to resolve the ARIs `last-active-dates` answers with. */
const productIndex = (connection: SyncConnection) =>
  Effect.map(Products.listLive(connection.id), makeProductIndex)

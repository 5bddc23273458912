/**
 * `runSync`: one run of the pipeline for one connection — preflight, extract users as a stream of pages,
 * normalise, stage in batches, then merge atomically — with the run recorded in the ledger whatever
 * happens (succeeded, failed with its typed error, or interrupted).
 */

import type { SqlClient, SqlError } from "@effect/sql"
import { AtlassianClient, type AtlassianError, type RequestStats } from "@seatsync/atlassian-client"
import { type OrgUser, orgUserFromDirectoryUser, type Rejected } from "@seatsync/normalise"
import { type ConnectionId, OrgUsers, type SyncRunNotRunning, SyncRuns } from "@seatsync/store"
import type { ParseResult } from "effect"
import { Cause, Chunk, Clock, Effect, Either, Exit, Option, Ref, Stream } from "effect"
import { ProgressEvent, type ProgressSink } from "./Progress.js"
import type { EntityCounts, SyncSummary } from "./SyncSummary.js"

/** The connection a run syncs: its database id and the Atlassian organisation. */
export interface SyncConnection {
  readonly id: ConnectionId
  readonly name: string
  readonly orgId: string
}

export interface RunSyncOptions {
  /** Who started the run, recorded in the ledger. */
  readonly trigger: "cli" | "worker" | "demo"
  /** Receives progress events; defaults to ignoring them. */
  readonly onProgress?: ProgressSink | undefined
  /** Users per staging statement. Bounded so memory stays flat whatever the organisation's size. */
  readonly batchSize?: number | undefined
}

/** Everything a run can fail with: the API's tagged errors or the database's. */
export type SyncError = AtlassianError | SqlError.SqlError | ParseResult.ParseError | SyncRunNotRunning

const noProgress: ProgressSink = () => Effect.void

/** Writes the error into the ledger without the stack: its tag, message and own fields. */
const errorForLedger = (cause: Cause.Cause<unknown>): Record<string, unknown> =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => ({ _tag: "Defect", message: Cause.pretty(cause) }),
    onSome: (error) =>
      typeof error === "object" && error !== null
        ? {
            ...(error as Record<string, unknown>),
            message: error instanceof Error ? error.message : String(error)
          }
        : { _tag: "Unknown", message: String(error) }
  })

/** The ledger keeps flat counters per entity, e.g. `org_user.inserted`. */
const ledgerStats = (stats: RequestStats, users: EntityCounts): SyncRuns.RunStats => ({
  entityCounts: Object.fromEntries(Object.entries(users).map(([key, value]) => [`org_user.${key}`, value])),
  apiCalls: stats.apiCalls,
  retries: stats.retries,
  rateLimited: stats.rateLimited,
  sleptMs: stats.sleptMillis
})

/**
 * Syncs the users of one connection. Live rows change only in the final merge transaction, so a run that
 * fails or is interrupted at any earlier point leaves the live tables exactly as they were.
 */
export const runSync = (
  connection: SyncConnection,
  options: RunSyncOptions
): Effect.Effect<SyncSummary, SyncError, AtlassianClient.AtlassianClient | SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const client = yield* AtlassianClient.AtlassianClient
    const progress = options.onProgress ?? noProgress
    const batchSize = Math.max(1, options.batchSize ?? 1000)
    const startedAt = new Date(yield* Clock.currentTimeMillis)
    const runId = yield* SyncRuns.start(connection.id, options.trigger)
    yield* progress(
      ProgressEvent.RunStarted({ runId, connectionName: connection.name, orgId: connection.orgId })
    )

    const counts = yield* Ref.make<EntityCounts>({
      seen: 0,
      inserted: 0,
      updated: 0,
      restored: 0,
      deleted: 0,
      unchanged: 0,
      rejected: 0
    })

    const pipeline = Effect.gen(function* () {
      const org = yield* client.org(connection.orgId)
      yield* progress(ProgressEvent.OrgVerified({ orgName: org.attributes.name }))

      // Pages arrive as chunks of the users stream; users are buffered up to `batchSize` and staged in
      // one statement, so memory stays bounded and no row costs a round trip of its own.
      const buffer: Array<OrgUser> = []
      const flush = Effect.suspend(() =>
        buffer.length === 0
          ? Effect.void
          : OrgUsers.stage(runId, connection.id, buffer.splice(0, buffer.length))
      )
      let pages = 0
      yield* Stream.runForEach(
        // A small buffer lets the next pages download while the current batch is being staged.
        Stream.chunks(client.users(connection.orgId, { expand: ["platformRoles"] })).pipe(
          Stream.buffer({ capacity: 4 })
        ),
        (page) =>
          Effect.gen(function* () {
            pages += 1
            const rejected: Array<Rejected> = []
            for (const dto of Chunk.toReadonlyArray(page)) {
              Either.match(orgUserFromDirectoryUser(dto), {
                onLeft: (reason) => rejected.push(reason),
                onRight: (user) => buffer.push(user)
              })
            }
            for (const reason of rejected) {
              yield* Effect.logWarning("Rejected a user that could not be normalised").pipe(
                Effect.annotateLogs({ accountId: reason.sourceKey ?? "(none)", reason: reason.reason })
              )
            }
            if (buffer.length >= batchSize) yield* flush
            const now = yield* Ref.updateAndGet(counts, (c) => ({
              ...c,
              seen: c.seen + page.length,
              rejected: c.rejected + rejected.length
            }))
            const stats = yield* client.stats
            yield* progress(
              ProgressEvent.PageStaged({
                entity: "users",
                pages,
                records: now.seen,
                rejected: now.rejected,
                retries: stats.retries,
                rateLimited: stats.rateLimited
              })
            )
          })
      )
      yield* flush

      yield* progress(ProgressEvent.Merging({ entity: "users" }))
      // A stream that ended without error enumerated every user, so absent users may be soft-deleted.
      const merged = yield* OrgUsers.merge(runId, connection.id, { complete: true })
      const users = yield* Ref.updateAndGet(counts, (c) => ({ ...c, ...merged }))
      const stats = yield* client.stats
      yield* SyncRuns.succeed(runId, ledgerStats(stats, users))
      const finishedAt = new Date(yield* Clock.currentTimeMillis)
      return {
        runId,
        connectionId: connection.id,
        orgId: connection.orgId,
        orgName: org.attributes.name,
        startedAt,
        finishedAt,
        users,
        api: stats
      } satisfies SyncSummary
    })

    return yield* pipeline.pipe(
      Effect.onExit((exit) => {
        if (Exit.isSuccess(exit)) return Effect.void
        return Effect.gen(function* () {
          const stats = yield* client.stats
          const users = yield* Ref.get(counts)
          const record = Effect.zipRight(
            // The live tables were never touched; the run's staged rows are of no further use.
            OrgUsers.discardStage(runId),
            Cause.isInterruptedOnly(exit.cause)
              ? SyncRuns.interrupt(runId, ledgerStats(stats, users))
              : SyncRuns.fail(runId, errorForLedger(exit.cause), ledgerStats(stats, users))
          )
          // The ledger write must not hide the run's own error; log if the database is gone too.
          yield* record.pipe(
            Effect.catchAllCause((cause) =>
              Effect.logError("Could not record the end of the run in sync_run", Cause.pretty(cause))
            )
          )
        })
      }),
      Effect.annotateLogs({ runId, connection: connection.name }),
      Effect.withSpan("runSync", { attributes: { runId, connection: connection.name } })
    )
  })

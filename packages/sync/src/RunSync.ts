/**
 * `runSync`: one run of the pipeline for one connection, under the connection's lock — preflight, the
 * organisation's counts, extract every entity as streams of pages (concurrently where the API allows,
 * sharing the client's rate budget), normalise record by record, stage in batches, the counts again and
 * their reconciliation with what was listed, then merge everything atomically with history and today's
 * seat ledger. The run is recorded in the ledger whatever happens (succeeded, failed with its typed error,
 * or interrupted).
 */
import type { SqlClient, SqlError } from "@effect/sql"
import {
  AtlassianClient,
  type AtlassianError,
  type RequestStats,
  type SiteClient,
  withRetryObserver
} from "@seatsync/atlassian-client"
import {
  type ConnectionId,
  type DeletionGuardTripped,
  Entities,
  GrantMethod,
  type LockHeld,
  Locks,
  RunMerge,
  Staging,
  type SyncRunNotRunning,
  SyncRuns
} from "@seatsync/store"
import { Cause, Clock, Deferred, Effect, Exit, Option, type ParseResult, Scope } from "effect"
import { completeness } from "./Completeness.js"
import type { ExtractContext } from "./ExtractContext.js"
import { extractGroups, type GroupGrants, type QuarantinedGroups } from "./ExtractGroups.js"
import { extractGuard, guardEntityCounts } from "./ExtractGuard.js"
import { extractProductRoles, groupGrantRows } from "./ExtractProductRoles.js"
import { extractProducts } from "./ExtractProducts.js"
import { type ExtractedUsers, extractUsers } from "./ExtractUsers.js"
import { ProgressEvent, type ProgressSink, type SyncEntity } from "./Progress.js"
import { readOrgCounts, reconcile } from "./Reconciliation.js"
import type { RepeatedRecords } from "./RepeatedRecords.js"
import type { SiteSeats } from "./SiteSeats.js"
import { makeStagingBuffer } from "./StagingBuffer.js"
import type { EntityCounts, SyncSummary } from "./SyncSummary.js"

/** The connection a run syncs: its database id and the Atlassian organisation. */
export interface SyncConnection {
  readonly id: ConnectionId
  readonly name: string
  readonly orgId: string
}

/** What a run can be limited to (`seatsync sync --only …`). Products are always read: the rest refers to them. */
export const SyncScope = ["users", "groups", "products", "roles", "activity"] as const
export type SyncScope = (typeof SyncScope)[number]

export interface RunSyncOptions {
  /** Who started the run, recorded in the ledger. */
  readonly trigger: "cli" | "worker" | "demo"
  /** Receives progress events; defaults to ignoring them. */
  readonly onProgress?: ProgressSink | undefined
  /** Records per staging statement. Bounded so memory stays flat whatever the organisation's size. */
  readonly batchSize?: number | undefined
  /** Limit the run to some entities; others keep their stored rows untouched. Default: everything. */
  readonly only?: ReadonlyArray<SyncScope> | undefined
  /** Soft-delete even when more than the deletion guard's share (default 20 %) of an entity disappeared. */
  readonly force?: boolean | undefined
  /**
   * Concurrent API calls of one listing walk: the groups' role assignments, then the product × role
   * listings, each run up to this many at once, within the client's one rate budget. Default 4.
   */
  readonly concurrency?: number | undefined
  /** The scheduled slot (cron time) a worker run serves, recorded in the ledger. */
  readonly slot?: Date | undefined
  /**
   * Exact Jira seats from the connection's site (`readSiteSeats` with its Jira site credentials). When it
   * fails the run goes on with the workspaces' capacities and logs a warning naming the error; `seatsync
   * doctor` tells the operator what to fix.
   */
  readonly siteSeats?: Effect.Effect<SiteSeats, SiteClient.SiteError> | undefined
  /**
   * The connection has Atlassian Guard (`guard: enabled`): walk the managed accounts once and write the
   * Guard-billable count as the `atlassian-guard` product's seats. Otherwise no call is made and no Guard
   * row is written.
   */
  readonly guard?: boolean | undefined
}

export type SyncError =
  | AtlassianError
  | SqlError.SqlError
  | ParseResult.ParseError
  | SyncRunNotRunning
  | DeletionGuardTripped
  | LockHeld
  | RepeatedRecords

const noProgress: ProgressSink = () => Effect.void

/** Site seats are an extra: their failure is a warning, never the run's failure. */
const readSeatsOrWarn = (read: Effect.Effect<SiteSeats, SiteClient.SiteError>) =>
  read.pipe(
    Effect.map(Option.some),
    Effect.catchAll((error) =>
      Effect.as(
        Effect.logWarning(
          "Could not read Jira seats from the site; using the workspaces' capacities (run seatsync doctor)"
        ).pipe(Effect.annotateLogs({ error: error._tag, reason: error.message })),
        Option.none<SiteSeats>()
      )
    )
  )

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

const ledgerStats = (
  stats: RequestStats,
  staged: Readonly<Partial<Record<SyncEntity, number>>>,
  extra: Record<string, number> = {}
): SyncRuns.RunStats => ({
  entityCounts: {
    ...Object.fromEntries(Object.entries(staged).map(([entity, count]) => [`${entity}.staged`, count ?? 0])),
    ...extra
  },
  apiCalls: stats.apiCalls,
  retries: stats.retries,
  rateLimited: stats.rateLimited,
  sleptMs: stats.sleptMillis
})

/**
 * Syncs one connection. Live rows change only in the final merge transaction, so a run that fails or is
 * interrupted at any earlier point leaves them exactly as they were; its staged rows are discarded.
 * Fails with `LockHeld` at once when another run of the same connection is in progress.
 */
export const runSync = (
  connection: SyncConnection,
  options: RunSyncOptions
): Effect.Effect<SyncSummary, SyncError, AtlassianClient.AtlassianClient | SqlClient.SqlClient> =>
  Locks.withConnectionLock(
    connection.id,
    Effect.gen(function* () {
      const client = yield* AtlassianClient.AtlassianClient
      const progress = options.onProgress ?? noProgress
      const concurrency = Math.max(1, options.concurrency ?? 4)
      const scope = new Set<SyncScope>(options.only ?? SyncScope)
      // Holding the lock proves that runs still marked running belong to processes that died.
      yield* SyncRuns.markAbandoned(connection.id)
      const startedAt = new Date(yield* Clock.currentTimeMillis)
      const runId = yield* SyncRuns.start(connection.id, options.trigger, options.slot)
      yield* progress(
        ProgressEvent.RunStarted({ runId, connectionName: connection.name, orgId: connection.orgId })
      )
      // Batches are staged in the background, in a scope closed (a batch in flight interrupted) before the
      // run is recorded, so a failed run's staged rows are discarded after the last write, not before.
      const stagingScope = yield* Scope.make()
      const buffer = yield* makeStagingBuffer(
        runId,
        connection.id,
        Math.max(1, options.batchSize ?? 5000)
      ).pipe(Scope.extend(stagingScope))
      const context: ExtractContext = {
        client,
        orgId: connection.orgId,
        buffer,
        progress,
        observedAt: startedAt
      }

      const pipeline = Effect.gen(function* () {
        const org = yield* client.org(connection.orgId)
        yield* progress(ProgressEvent.OrgVerified({ orgName: org.attributes.name }))
        const siteSeats =
          options.siteSeats === undefined ? Option.none() : yield* readSeatsOrWarn(options.siteSeats)
        // The organisation's own counts, before and after the listings, to prove the enumeration complete.
        const counted = { users: scope.has("users"), groups: scope.has("groups") || scope.has("roles") }
        const countsBefore = yield* readOrgCounts(client, connection.orgId, counted)
        const { products, index } = yield* extractProducts(context, siteSeats)
        const noUsers: ExtractedUsers = { quarantined: new Set() }
        const emptyGrants: GroupGrants = new Map()
        // The groups listing's quarantined ids, for the users listing's memberships (none when not listed).
        const quarantinedGroups: QuarantinedGroups = yield* Deferred.make<ReadonlySet<string>>()
        if (!counted.groups) yield* Deferred.succeed(quarantinedGroups, new Set<string>())
        // Users and groups are listed side by side on the shared rate budget. The product × role listings
        // wait for both: started next to the groups' grants they put twice as many calls in flight, and the
        // rate-limit scenario then met five 429s (docs/benchmarks.md, issue 12).
        const [users, grants] = yield* Effect.all(
          [
            scope.has("users") ? extractUsers(context, index, quarantinedGroups) : Effect.succeed(noUsers),
            counted.groups
              ? extractGroups(context, index, concurrency, quarantinedGroups)
              : Effect.succeed(emptyGrants)
          ],
          { concurrency: 2 }
        )
        if (scope.has("roles")) yield* extractProductRoles(context, products, users, concurrency)
        yield* buffer.flush
        // Which staged roles a group grants is decided where the memberships are: in PostgreSQL.
        if (scope.has("roles")) yield* GrantMethod.markGroupGranted(runId, groupGrantRows(grants))
        // Guard enabled: its billable managed accounts, counted from their own listing (ExtractGuard).
        const guard = options.guard === true ? yield* extractGuard(context) : undefined
        const countsAfter = yield* readOrgCounts(client, connection.orgId, counted)
        const quarantinedByEntity = buffer.rejectedByEntity()
        const drift = reconcile(countsBefore, countsAfter, buffer.staged(), quarantinedByEntity)
        const { complete, kept } = completeness(scope, quarantinedByEntity, drift)
        const reconciliation = { ...drift, kept }
        const stats = yield* client.stats
        yield* progress(
          ProgressEvent.ApiStats({
            apiCalls: stats.apiCalls,
            retries: stats.retries,
            rateLimited: stats.rateLimited,
            sleptMillis: stats.sleptMillis
          })
        )
        yield* progress(ProgressEvent.Merging({ staged: buffer.staged() }))

        const merged = yield* RunMerge.mergeRun(runId, connection.id, {
          complete,
          force: options.force === true,
          today: startedAt,
          stats: { ...ledgerStats(stats, buffer.staged(), guardEntityCounts(guard)), reconciliation },
          guardBillable: guard?.billable ?? null
        })
        const staged = buffer.staged()
        const entities = Object.fromEntries(
          Entities.entities.map((entity) => [
            entity,
            { ...merged.entities[entity], staged: staged[entity] ?? 0 }
          ])
        ) as Record<SyncEntity, EntityCounts>
        return {
          runId,
          connectionId: connection.id,
          orgId: connection.orgId,
          orgName: org.attributes.name,
          startedAt,
          finishedAt: new Date(yield* Clock.currentTimeMillis),
          entities,
          quarantined: merged.quarantined,
          reconciliation,
          ledgerRows: merged.ledgerRows,
          api: stats
        } satisfies SyncSummary
      })

      return yield* pipeline.pipe(
        Effect.ensuring(Scope.close(stagingScope, Exit.void)),
        // Every retry of every client call of the run (its forked listings too) is a progress event.
        withRetryObserver((notice) => progress(ProgressEvent.Retrying({ notice }))),
        Effect.onExit((exit) => {
          if (Exit.isSuccess(exit)) return Effect.void
          return Effect.gen(function* () {
            const stats = ledgerStats(yield* client.stats, buffer.staged())
            const record = Effect.zipRight(
              // The live tables were never touched; the run's staged rows are of no further use.
              Staging.discardRun(runId),
              Cause.isInterruptedOnly(exit.cause)
                ? SyncRuns.interrupt(runId, stats)
                : SyncRuns.fail(runId, errorForLedger(exit.cause), stats)
            )
            // The ledger write must not hide the run's own error; say so in one line (no stack trace: the
            // run's own error follows) if the database is gone too.
            yield* record.pipe(
              Effect.catchAllCause((cause) => {
                const error = Cause.squash(cause)
                return Effect.logWarning(
                  `Could not record the end of run #${runId} in sync_run (${error instanceof Error ? error.message : String(error)}); the connection's next run marks it interrupted`
                )
              })
            )
          })
        }),
        Effect.annotateLogs({ runId, connection: connection.name }),
        Effect.withSpan("runSync", { attributes: { runId, connection: connection.name } })
      )
    })
  )

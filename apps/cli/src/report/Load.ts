/**
 * Reads a report's rows from the store (`Reports`) for one connection or for all, and shapes them into the
 * documents of `Documents`. The only module of `report/` that touches the database.
 */
import { type Connections, Reports } from "@seatsync/store"
import { Effect } from "effect"
import type {
  ConnectionHealthRow,
  LedgerDay,
  ReclaimReport,
  ReclaimRow,
  RunRow,
  RunsReport,
  SeatRow,
  SeatsReport
} from "./Documents.js"

/** What to report on: every registered connection, or one; and an inactivity threshold overriding theirs. */
export interface Selection {
  readonly connections: ReadonlyArray<Connections.Connection>
  /** True when `connections` is one named connection (queries filter by it); false for all of them. */
  readonly single: boolean
  readonly inactiveAfterDays: number | undefined
  readonly generatedAt: Date
}

const connectionIdOf = (selection: Selection) => (selection.single ? selection.connections[0]?.id : undefined)

/** The fields a seat row and a ledger day share, from either store row. */
type SeatCounts = Omit<LedgerDay, "connection" | "productId" | "productKey" | "productName" | "day">
type ProductOf = Pick<LedgerDay, "productId" | "productKey" | "productName">

const productOf = (row: ProductOf & { readonly connectionName: string }) => ({
  connection: row.connectionName,
  productId: row.productId,
  productKey: row.productKey,
  productName: row.productName
})

const countsOf = (row: SeatCounts): SeatCounts => ({
  capacity: row.capacity,
  assigned: row.assigned,
  billable: row.billable,
  active30: row.active30,
  active60: row.active60,
  active90: row.active90,
  neverActive: row.neverActive,
  reclaimable: row.reclaimable
})

export const loadSeats = (selection: Selection) =>
  Effect.gen(function* () {
    const connectionId = connectionIdOf(selection)
    // As of the report's moment, like the reclaim list, so that the two always agree.
    const utilisation = yield* Reports.seatUtilisation(connectionId, {
      asOf: selection.generatedAt,
      ...(selection.inactiveAfterDays === undefined ? {} : { inactiveAfterDays: selection.inactiveAfterDays })
    })
    const ledger = yield* Reports.seatLedger(connectionId)
    return {
      report: "seats",
      generatedAt: selection.generatedAt,
      seats: utilisation.map(
        (row): SeatRow => ({
          ...productOf(row),
          plan: row.plan,
          inactiveAfterDays: row.inactiveAfterDays,
          ...countsOf(row),
          utilisation: row.utilisation
        })
      ),
      ledger: ledger.map(
        (row): LedgerDay => ({
          ...productOf(row),
          day: row.day,
          ...countsOf(row)
        })
      )
    } satisfies SeatsReport
  })

export const loadReclaim = (selection: Selection) =>
  Effect.gen(function* () {
    const candidates = yield* Effect.forEach(selection.connections, (connection) => {
      const inactiveAfterDays = selection.inactiveAfterDays ?? connection.inactiveAfterDays
      return Reports.reclaimCandidates(connection.id, {
        inactiveAfterDays,
        asOf: selection.generatedAt
      }).pipe(
        Effect.map((rows) =>
          rows.map(
            (row): ReclaimRow => ({
              connection: connection.name,
              accountId: row.accountId,
              name: row.name,
              email: row.email,
              productId: row.productId,
              productKey: row.productKey,
              productName: row.productName,
              verdict: row.verdict,
              roles: row.roles,
              accountType: row.accountType,
              status: row.status,
              managed: row.managed,
              lastActiveAt: row.lastActiveAt,
              daysSinceActive: row.daysSinceActive,
              activitySource: row.activitySource,
              activityObservedAt: row.activityObservedAt,
              addedToOrg: row.addedToOrg,
              daysSinceAdded: row.daysSinceAdded,
              inactiveAfterDays
            })
          )
        )
      )
    })
    return {
      report: "reclaim",
      generatedAt: selection.generatedAt,
      candidates: candidates.flat()
    } satisfies ReclaimReport
  })

/** How many runs `report runs` lists (newest first, across the selected connections). */
export const runLimit = 20

export const loadRuns = (selection: Selection) =>
  Effect.gen(function* () {
    const connectionId = connectionIdOf(selection)
    const health = yield* Reports.connectionHealth(connectionId)
    const runs = yield* Reports.runHistory(connectionId, runLimit)
    return {
      report: "runs",
      generatedAt: selection.generatedAt,
      connections: health.map(
        (row): ConnectionHealthRow => ({
          connection: row.connectionName,
          orgId: row.orgId,
          schedule: row.schedule,
          timeZone: row.timeZone,
          paused: row.pausedAt !== null,
          pausedAt: row.pausedAt,
          pausedReason: row.pausedReason,
          consecutiveFailures: row.consecutiveFailures,
          lastRunId: row.lastRunId,
          lastRunStatus: row.lastRunStatus,
          lastRunStartedAt: row.lastRunStartedAt,
          lastRunFinishedAt: row.lastRunFinishedAt,
          lastErrorTag: row.lastErrorTag,
          lastErrorMessage: row.lastErrorMessage,
          lastSuccessAt: row.lastSuccessAt
        })
      ),
      runs: runs.map(
        (row): RunRow => ({
          runId: row.runId,
          connection: row.connectionName,
          status: row.status,
          trigger: row.trigger,
          startedAt: row.startedAt,
          finishedAt: row.finishedAt,
          durationSeconds: row.durationSeconds,
          apiCalls: row.apiCalls,
          retries: row.retries,
          rateLimited: row.rateLimited,
          sleptMs: row.sleptMs,
          quarantined: row.quarantined,
          errorTag: row.errorTag,
          errorMessage: row.errorMessage,
          entityCounts: row.entityCounts
        })
      )
    } satisfies RunsReport
  })

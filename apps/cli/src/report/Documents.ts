/**
 * The three `seatsync report` documents — seats, reclaim, runs — as Effect Schemas: the shape of `--format
 * json` (timestamps encode as ISO 8601 strings) and the source of the published JSON Schemas in `schemas/`.
 */
import { SyncRuns } from "@seatsync/store"
import { JSONSchema, Schema } from "effect"

export const ReportKind = Schema.Literal("seats", "reclaim", "runs")
export type ReportKind = typeof ReportKind.Type
export const reportKinds: ReadonlyArray<ReportKind> = ReportKind.literals

const Count = Schema.NonNegativeInt

/** Which product of which connection a seat row counts. */
const productFields = {
  connection: Schema.String,
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String
}

/** The seat counts shared by the current view and the ledger. */
const seatCountFields = {
  assigned: Count,
  billable: Count,
  active30: Count,
  active60: Count,
  active90: Count,
  neverActive: Count,
  reclaimable: Count
}

export const SeatRow = Schema.Struct({
  ...productFields,
  plan: Schema.NullOr(Schema.String),
  /** The inactivity threshold `reclaimable` used: the connection's own or `--inactive-after-days`. */
  inactiveAfterDays: Schema.Int,
  /** Purchased seats; null when Atlassian does not say. */
  capacity: Schema.NullOr(Count),
  ...seatCountFields,
  /** billable ÷ capacity (1 = every purchased seat billed); null when the capacity is unknown. */
  utilisation: Schema.NullOr(Schema.Number)
}).annotations({ identifier: "SeatRow", description: "Seat counts of one product of one connection, now." })
export type SeatRow = typeof SeatRow.Type

export const LedgerDay = Schema.Struct({
  ...productFields,
  day: Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/)),
  capacity: Schema.NullOr(Count),
  ...seatCountFields
}).annotations({
  identifier: "LedgerDay",
  description: "The seat ledger: one product's counts on one UTC day (the day's last run)."
})
export type LedgerDay = typeof LedgerDay.Type

export const SeatsReport = Schema.Struct({
  report: Schema.Literal("seats"),
  generatedAt: Schema.Date,
  seats: Schema.Array(SeatRow),
  ledger: Schema.Array(LedgerDay)
}).annotations({
  identifier: "SeatsReport",
  title: "seatsync seats report",
  description:
    "Purchased, assigned, billable, active and reclaimable seats per connection and product, now and day by day."
})
export type SeatsReport = typeof SeatsReport.Type

export const ReclaimRow = Schema.Struct({
  connection: Schema.String,
  accountId: Schema.String,
  name: Schema.String,
  email: Schema.NullOr(Schema.String),
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  verdict: Schema.Literal("inactive", "never_active"),
  roles: Schema.Array(Schema.String),
  accountType: Schema.String,
  status: Schema.NullOr(Schema.String),
  /** Null when Atlassian did not say whether the account is managed. */
  managed: Schema.NullOr(Schema.Boolean),
  /** Null: never active (the evidence says so). */
  lastActiveAt: Schema.NullOr(Schema.Date),
  daysSinceActive: Schema.NullOr(Schema.Int),
  /** Where the last-active date came from: `bulk_expand`, `per_user` or `v1_managed`. */
  activitySource: Schema.NullOr(Schema.String),
  activityObservedAt: Schema.NullOr(Schema.Date),
  addedToOrg: Schema.NullOr(Schema.Date),
  daysSinceAdded: Schema.NullOr(Schema.Int),
  inactiveAfterDays: Schema.Int
}).annotations({
  identifier: "ReclaimRow",
  description: "A billable seat whose holder is inactive or never active, with the evidence."
})
export type ReclaimRow = typeof ReclaimRow.Type

export const ReclaimReport = Schema.Struct({
  report: Schema.Literal("reclaim"),
  generatedAt: Schema.Date,
  candidates: Schema.Array(ReclaimRow)
}).annotations({
  identifier: "ReclaimReport",
  title: "seatsync reclaim report",
  description: "Billable seats to reclaim, never-active first, then the longest idle."
})
export type ReclaimReport = typeof ReclaimReport.Type

export const ConnectionHealthRow = Schema.Struct({
  connection: Schema.String,
  orgId: Schema.String,
  schedule: Schema.String,
  timeZone: Schema.String,
  paused: Schema.Boolean,
  pausedAt: Schema.NullOr(Schema.Date),
  pausedReason: Schema.NullOr(Schema.String),
  consecutiveFailures: Count,
  lastRunId: Schema.NullOr(Schema.Int),
  lastRunStatus: Schema.NullOr(SyncRuns.Status),
  lastRunStartedAt: Schema.NullOr(Schema.Date),
  lastRunFinishedAt: Schema.NullOr(Schema.Date),
  lastErrorTag: Schema.NullOr(Schema.String),
  lastErrorMessage: Schema.NullOr(Schema.String),
  lastSuccessAt: Schema.NullOr(Schema.Date)
}).annotations({
  identifier: "ConnectionHealthRow",
  description: "A connection's health: pause state and reason, failure streak, last run, last success."
})
export type ConnectionHealthRow = typeof ConnectionHealthRow.Type

export const RunRow = Schema.Struct({
  runId: Schema.Int,
  connection: Schema.String,
  status: SyncRuns.Status,
  trigger: SyncRuns.Trigger,
  startedAt: Schema.Date,
  finishedAt: Schema.NullOr(Schema.Date),
  durationSeconds: Schema.Number,
  apiCalls: Count,
  retries: Count,
  rateLimited: Count,
  sleptMs: Schema.Number,
  quarantined: Count,
  errorTag: Schema.NullOr(Schema.String),
  errorMessage: Schema.NullOr(Schema.String),
  entityCounts: Schema.Record({ key: Schema.String, value: Schema.Number })
}).annotations({ identifier: "RunRow", description: "One sync run from the run ledger." })
export type RunRow = typeof RunRow.Type

export const RunsReport = Schema.Struct({
  report: Schema.Literal("runs"),
  generatedAt: Schema.Date,
  connections: Schema.Array(ConnectionHealthRow),
  runs: Schema.Array(RunRow)
}).annotations({
  identifier: "RunsReport",
  title: "seatsync runs report",
  description: "Each connection's health and the most recent sync runs, newest first."
})
export type RunsReport = typeof RunsReport.Type

/** The JSON Schema (draft-07) of a report kind's `--format json` document, as committed in `schemas/`. */
export const jsonSchemaOf = (kind: ReportKind): JSONSchema.JsonSchema7Root => {
  switch (kind) {
    case "seats":
      return JSONSchema.make(SeatsReport)
    case "reclaim":
      return JSONSchema.make(ReclaimReport)
    case "runs":
      return JSONSchema.make(RunsReport)
  }
}

/** The committed file of a kind's JSON Schema, relative to the CLI package. */
export const schemaFileOf = (kind: ReportKind) => `schemas/${kind}-report.schema.json`

/** A document as `--format json` prints it: one line of JSON. */
export const encodeSeats = Schema.encodeSync(SeatsReport)
export const encodeReclaim = Schema.encodeSync(ReclaimReport)
export const encodeRuns = Schema.encodeSync(RunsReport)

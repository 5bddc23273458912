/**
 * The changes report: what changed in each connection's organisation since a day — joiners, leavers
 * (soft-deleted), reactivations, billable roles granted and revoked (who, which product, how: directly or
 * through a group, naming the groups the person joined or left in the same run), groups created and
 * removed, and the seats per product at the start and end of the period with the ledger's days for a chart
 * — its document, how it is loaded and how it reads as a table, CSV, JSON and an HTML section. A
 * connection's first sync is its baseline, not a wave of joiners.
 */
import { ChangeReports, Reports } from "@seatsync/store"
import { Effect, Schema } from "effect"
import { type Column, csvOf, timestamp } from "../Csv.js"
import { htmlTable, htmlText } from "../HtmlTable.js"
import * as Report from "../Report.js"
import type { Selection } from "../Selection.js"
import { defaultSince } from "../Since.js"
import { lineChart } from "../Svg.js"
import { renderTable } from "../Table.js"
import { day, minute, productLabel } from "../ValueText.js"

const Count = Schema.NonNegativeInt

export const PersonChange = Schema.Struct({
  connection: Schema.String,
  accountId: Schema.String,
  name: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  /** joined, left (soft-deleted), restored (listed again after leaving) or reactivated (became active). */
  change: Schema.Literal("joined", "left", "restored", "reactivated"),
  runId: Schema.Int,
  recordedAt: Schema.Date
}).annotations({ identifier: "PersonChange", description: "A person who joined, left or came back." })
export type PersonChange = typeof PersonChange.Type

export const RoleChange = Schema.Struct({
  connection: Schema.String,
  accountId: Schema.String,
  name: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  productId: Schema.String,
  productKey: Schema.NullOr(Schema.String),
  productName: Schema.NullOr(Schema.String),
  roleId: Schema.String,
  change: Schema.Literal("granted", "revoked"),
  /** How Atlassian says the role is granted: direct, group or inferred. */
  grantedVia: Schema.Array(Schema.String),
  /** The groups the person joined (granted) or left (revoked) in the same run: the likely source. */
  groups: Schema.Array(Schema.String),
  runId: Schema.Int,
  recordedAt: Schema.Date
}).annotations({ identifier: "RoleChange", description: "A billable role granted or revoked." })
export type RoleChange = typeof RoleChange.Type

export const GroupChange = Schema.Struct({
  connection: Schema.String,
  groupId: Schema.String,
  name: Schema.NullOr(Schema.String),
  change: Schema.Literal("created", "removed"),
  runId: Schema.Int,
  recordedAt: Schema.Date
}).annotations({ identifier: "GroupChange", description: "A group created or removed." })
export type GroupChange = typeof GroupChange.Type

export const SeatMovement = Schema.Struct({
  connection: Schema.String,
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  fromDay: Schema.String,
  toDay: Schema.String,
  assignedFrom: Count,
  assignedTo: Count,
  billableFrom: Count,
  billableTo: Count,
  active30From: Count,
  active30To: Count
}).annotations({
  identifier: "SeatMovement",
  description: "One product's seats on the period's first and last seat-ledger day."
})
export type SeatMovement = typeof SeatMovement.Type

export const SeatDay = Schema.Struct({
  connection: Schema.String,
  productId: Schema.String,
  productKey: Schema.String,
  productName: Schema.String,
  day: Schema.String,
  assigned: Count,
  billable: Count,
  active30: Count
}).annotations({ identifier: "SeatDay", description: "One product's seats on one ledger day of the period." })
export type SeatDay = typeof SeatDay.Type

/** The `--format json` document. */
export const ChangesReport = Schema.Struct({
  report: Schema.Literal("changes"),
  generatedAt: Schema.Date,
  /** The period's start (`--since`); it ends at `generatedAt`. */
  since: Schema.Date,
  people: Schema.Array(PersonChange),
  roles: Schema.Array(RoleChange),
  groups: Schema.Array(GroupChange),
  seats: Schema.Array(SeatMovement),
  /** The seat ledger's days in the period (and the last before it), for the chart of seats over time. */
  seatDays: Schema.Array(SeatDay)
}).annotations({
  identifier: "ChangesReport",
  title: "seatsync changes report",
  description:
    "Joiners, leavers, reactivations, billable roles granted and revoked, groups created and removed, and seat movement per product since a day."
})
export type ChangesReport = typeof ChangesReport.Type

const personChange = {
  joined: "joined",
  left: "left",
  restored: "restored",
  status: "reactivated"
} as const

/** Each selected connection's changes after the period's start. */
export const loadChanges = (selection: Selection) =>
  Effect.gen(function* () {
    const since = selection.since ?? defaultSince(selection.generatedAt)
    const sinceDay = day(since)
    const perConnection = yield* Effect.forEach(selection.connections, (connection) =>
      Effect.gen(function* () {
        const changes = yield* ChangeReports.changes(connection.id, since)
        const ledger = yield* Reports.seatLedger(connection.id)
        const starts = new Map(changes.seats.map((row) => [row.productId, row.fromDay]))
        const named = { connection: connection.name }
        return {
          people: changes.people.map(
            (row): PersonChange => ({ ...named, ...row, change: personChange[row.how] })
          ),
          roles: changes.roles.map((row): RoleChange => ({ ...named, ...row })),
          groups: changes.groups.map((row): GroupChange => ({ ...named, ...row })),
          seats: changes.seats.map((row): SeatMovement => ({ ...named, ...row })),
          seatDays: ledger
            .filter((row) => row.day >= (starts.get(row.productId) ?? sinceDay))
            .map(
              (row): SeatDay => ({
                ...named,
                productId: row.productId,
                productKey: row.productKey,
                productName: row.productName,
                day: row.day,
                assigned: row.assigned,
                billable: row.billable,
                active30: row.active30
              })
            )
        }
      })
    )
    return {
      report: "changes",
      generatedAt: selection.generatedAt,
      since,
      people: perConnection.flatMap((changes) => changes.people),
      roles: perConnection.flatMap((changes) => changes.roles),
      groups: perConnection.flatMap((changes) => changes.groups),
      seats: perConnection.flatMap((changes) => changes.seats),
      seatDays: perConnection.flatMap((changes) => changes.seatDays)
    } satisfies ChangesReport
  })

const who = (row: {
  readonly email: string | null
  readonly name: string | null
  readonly accountId: string
}) => row.email ?? row.name ?? row.accountId

const roleProduct = (row: RoleChange) =>
  row.productKey === null || row.productName === null
    ? row.productId
    : productLabel({ productKey: row.productKey, productName: row.productName })

/** How a role came: `group (jira-users)`, `direct`. */
const howGranted = (row: RoleChange) => {
  const via = row.grantedVia.length === 0 ? "unknown" : row.grantedVia.join("+")
  return row.groups.length === 0 ? via : `${via} (${row.groups.join(", ")})`
}

const signed = (from: number, to: number) => {
  const delta = to - from
  return `${from} → ${to} (${delta > 0 ? "+" : ""}${delta})`
}

const count = (rows: ReadonlyArray<{ readonly change: string }>, change: string) =>
  rows.filter((row) => row.change === change).length

/** The counts first, then each kind of change in turn, then the seat movement per product. */
export const changesTable = (report: ChangesReport): string => {
  const several = new Set(report.seats.map((row) => row.connection)).size > 1
  const conn = (row: { readonly connection: string }) => (several ? [row.connection] : [])
  const connColumn = several ? [{ header: "connection", maxWidth: 16 }] : []
  const lines = [
    `Changes from ${minute(report.since)} to ${minute(report.generatedAt)}`,
    "",
    `joined ${count(report.people, "joined")} · left ${count(report.people, "left")} · came back ${count(report.people, "restored") + count(report.people, "reactivated")} · billable roles granted ${count(report.roles, "granted")}, revoked ${count(report.roles, "revoked")} · groups created ${count(report.groups, "created")}, removed ${count(report.groups, "removed")}`
  ]
  if (report.people.length > 0) {
    lines.push(
      "",
      renderTable(
        [...connColumn, { header: "person", maxWidth: 40 }, { header: "change" }, { header: "when" }],
        report.people.map((row) => [...conn(row), who(row), row.change, minute(row.recordedAt)])
      )
    )
  }
  if (report.roles.length > 0) {
    lines.push(
      "",
      renderTable(
        [
          ...connColumn,
          { header: "person", maxWidth: 36 },
          { header: "role" },
          { header: "product", maxWidth: 32 },
          { header: "how", maxWidth: 30 }
        ],
        report.roles.map((row) => [
          ...conn(row),
          who(row),
          `${row.change} ${row.roleId}`,
          roleProduct(row),
          howGranted(row)
        ])
      )
    )
  }
  if (report.groups.length > 0) {
    lines.push(
      "",
      renderTable(
        [...connColumn, { header: "group", maxWidth: 40 }, { header: "change" }, { header: "when" }],
        report.groups.map((row) => [
          ...conn(row),
          row.name ?? row.groupId,
          row.change,
          minute(row.recordedAt)
        ])
      )
    )
  }
  lines.push(
    "",
    report.seats.length === 0
      ? "seat ledger: no days recorded yet"
      : renderTable(
          [
            ...connColumn,
            { header: "product", maxWidth: 36 },
            { header: "assigned" },
            { header: "billable" },
            { header: "active 30d" }
          ],
          report.seats.map((row) => [
            ...conn(row),
            productLabel(row),
            signed(row.assignedFrom, row.assignedTo),
            signed(row.billableFrom, row.billableTo),
            signed(row.active30From, row.active30To)
          ])
        ),
    "",
    "a connection's first sync is its baseline (not joiners); seats compare the ledger's first and last day of the period"
  )
  return lines.join("\n")
}

/** One CSV row: any change, or a product's seat movement (`change` = `seats`). */
interface CsvRow {
  readonly change: string
  readonly connection: string
  readonly accountId: string | null
  readonly name: string | null
  readonly email: string | null
  readonly groupId: string | null
  readonly productId: string | null
  readonly productKey: string | null
  readonly roleId: string | null
  readonly grantedVia: string | null
  readonly groups: string | null
  readonly runId: number | null
  readonly recordedAt: Date | null
  readonly movement: SeatMovement | null
}

const empty = {
  accountId: null,
  name: null,
  email: null,
  groupId: null,
  productId: null,
  productKey: null,
  roleId: null,
  grantedVia: null,
  groups: null,
  runId: null,
  recordedAt: null,
  movement: null
}

const csvColumns: ReadonlyArray<Column<CsvRow>> = [
  ["change", (row) => row.change],
  ["connection", (row) => row.connection],
  ["account_id", (row) => row.accountId],
  ["name", (row) => row.name],
  ["email", (row) => row.email],
  ["group_id", (row) => row.groupId],
  ["product_id", (row) => row.productId],
  ["product_key", (row) => row.productKey],
  ["role_id", (row) => row.roleId],
  ["granted_via", (row) => row.grantedVia],
  ["groups", (row) => row.groups],
  ["run_id", (row) => row.runId],
  ["recorded_at", (row) => timestamp(row.recordedAt)],
  ["from_day", (row) => row.movement?.fromDay ?? null],
  ["to_day", (row) => row.movement?.toDay ?? null],
  ["assigned_from", (row) => row.movement?.assignedFrom ?? null],
  ["assigned_to", (row) => row.movement?.assignedTo ?? null],
  ["billable_from", (row) => row.movement?.billableFrom ?? null],
  ["billable_to", (row) => row.movement?.billableTo ?? null]
]

/** One row per change (`change` says which), then one per product's seat movement (`seats`). */
export const changesCsv = (report: ChangesReport): string =>
  csvOf(csvColumns, [
    ...report.people.map((row): CsvRow => ({ ...empty, ...row, change: row.change })),
    ...report.roles.map(
      (row): CsvRow => ({
        ...empty,
        change: `role_${row.change}`,
        connection: row.connection,
        accountId: row.accountId,
        name: row.name,
        email: row.email,
        productId: row.productId,
        productKey: row.productKey,
        roleId: row.roleId,
        grantedVia: row.grantedVia.join(" "),
        groups: row.groups.join(" | "),
        runId: row.runId,
        recordedAt: row.recordedAt
      })
    ),
    ...report.groups.map(
      (row): CsvRow => ({
        ...empty,
        change: `group_${row.change}`,
        connection: row.connection,
        groupId: row.groupId,
        name: row.name,
        runId: row.runId,
        recordedAt: row.recordedAt
      })
    ),
    ...report.seats.map(
      (row): CsvRow => ({
        ...empty,
        change: "seats",
        connection: row.connection,
        productId: row.productId,
        productKey: row.productKey,
        movement: row
      })
    )
  ])

/** The series of the chart, named as its legend shows them. */
const series = {
  assigned: { name: "Assigned", colour: "#1f6feb" },
  billable: { name: "Billable", colour: "#8250df" },
  active: { name: "Active (30 days)", colour: "#2da44e" }
} as const

/** One connection's seats over time, every product together: assigned, billable and active per ledger day. */
const seatsChart = (connection: string, days: ReadonlyArray<SeatDay>) => {
  const dates = [...new Set(days.map((row) => row.day))].sort()
  const total = (count: (row: SeatDay) => number) =>
    dates.map((date) => days.filter((row) => row.day === date).reduce((sum, row) => sum + count(row), 0))
  return lineChart(`${connection}: seats by day, all products`, dates, [
    { series: series.assigned, values: total((row) => row.assigned) },
    { series: series.billable, values: total((row) => row.billable) },
    { series: series.active, values: total((row) => row.active30) }
  ])
}

/** The counts, a chart of seats over time per connection, then each kind of change as a table. */
export const changesSection = (report: ChangesReport): string => {
  const heading = `<h2>Changes <span class="muted">since ${htmlText(day(report.since))}</span></h2>`
  const summary = `<p>Joined ${count(report.people, "joined")}, left ${count(report.people, "left")}, came back ${count(report.people, "restored") + count(report.people, "reactivated")}; billable roles granted ${count(report.roles, "granted")}, revoked ${count(report.roles, "revoked")}; groups created ${count(report.groups, "created")}, removed ${count(report.groups, "removed")}. <span class="muted">A connection's first sync is its baseline, not joiners.</span></p>`
  const connections = [...new Set(report.seatDays.map((row) => row.connection))]
  const charts =
    connections.length === 0
      ? `<p class="muted">No seat ledger days in the period.</p>`
      : `<div class="charts">${connections
          .map((connection) =>
            seatsChart(
              connection,
              report.seatDays.filter((row) => row.connection === connection)
            )
          )
          .join("")}</div>`
  const seats = htmlTable(
    [
      { label: "connection" },
      { label: "product" },
      { label: "from", kind: "date" as const },
      { label: "to", kind: "date" as const },
      { label: "assigned" },
      { label: "billable" },
      { label: "active 30d" }
    ],
    report.seats.map((row) => ({
      cells: [
        htmlText(row.connection),
        htmlText(productLabel(row)),
        htmlText(row.fromDay),
        htmlText(row.toDay),
        htmlText(signed(row.assignedFrom, row.assignedTo)),
        htmlText(signed(row.billableFrom, row.billableTo)),
        htmlText(signed(row.active30From, row.active30To))
      ]
    }))
  )
  const people =
    report.people.length === 0
      ? ""
      : `<h3>People</h3>${htmlTable(
          [
            { label: "connection" },
            { label: "account" },
            { label: "name" },
            { label: "email" },
            { label: "change" },
            { label: "when", kind: "date" as const }
          ],
          report.people.map((row) => ({
            cells: [
              htmlText(row.connection),
              `<code>${htmlText(row.accountId)}</code>`,
              htmlText(row.name),
              htmlText(row.email),
              htmlText(row.change),
              htmlText(minute(row.recordedAt))
            ]
          }))
        )}`
  const roles =
    report.roles.length === 0
      ? ""
      : `<h3>Billable roles</h3>${htmlTable(
          [
            { label: "connection" },
            { label: "person" },
            { label: "change" },
            { label: "role" },
            { label: "product" },
            { label: "how" }
          ],
          report.roles.map((row) => ({
            cells: [
              htmlText(row.connection),
              htmlText(who(row)),
              htmlText(row.change),
              htmlText(row.roleId),
              htmlText(roleProduct(row)),
              htmlText(howGranted(row))
            ]
          }))
        )}`
  const groups =
    report.groups.length === 0
      ? ""
      : `<h3>Groups</h3>${htmlTable(
          [
            { label: "connection" },
            { label: "group" },
            { label: "change" },
            { label: "when", kind: "date" as const }
          ],
          report.groups.map((row) => ({
            cells: [
              htmlText(row.connection),
              htmlText(row.name ?? row.groupId),
              htmlText(row.change),
              htmlText(minute(row.recordedAt))
            ]
          }))
        )}`
  return `${heading}${summary}${charts}<h3>Seats per product</h3>${seats}${people}${roles}${groups}`
}

/** The registry's entry. */
export const changes = Report.make({
  kind: "changes",
  summary: {
    short: "joiners, leavers, roles granted and revoked, seat movement",
    long: "what changed since a day (--since 7d or 2026-11-01): joiners, leavers, reactivations, billable roles granted and revoked, groups created and removed, seats per product"
  },
  examples: [
    "seatsync report changes acme --since 30d",
    "seatsync report changes --demo --since 2026-11-01 --format csv"
  ],
  document: ChangesReport,
  load: loadChanges,
  table: changesTable,
  csv: changesCsv,
  htmlSection: changesSection
})

/**
 * `seatsync report seats|reclaim|runs [<connection>] [--inactive-after-days N] [--format table|csv|json|html]
 * [--out FILE] [--demo]`: reads the store's reports (`report/Load`) and renders them (`report/*`, pure) to
 * stdout or a file. `html` is the whole report — seats with charts, the reclaim list, runs and health —
 * whichever kind is named.
 */
import { Args, Command, Options } from "@effect/cli"
import { InvalidConfig } from "@seatsync/atlassian-client"
import { Connections, Database } from "@seatsync/store"
import { Clock, Effect, Option } from "effect"
import { withErrorReport } from "../ErrorReport.js"
import { reclaimCsv, runsCsv, seatsCsv } from "../report/Csv.js"
import { encodeReclaim, encodeRuns, encodeSeats, type ReportKind, reportKinds } from "../report/Documents.js"
import { renderHtml } from "../report/Html.js"
import { loadReclaim, loadRuns, loadSeats, type Selection } from "../report/Load.js"
import { checkOutDirectory, emit, ReportFormat } from "../report/Output.js"
import { reclaimTable, runsTable, seatsTable } from "../report/TextReport.js"

/** The connection `seatsync sync --demo` records its runs under (unless given `--name`). */
const demoConnectionName = "demo"

const kindArg = Args.choice(
  reportKinds.map((kind) => [kind, kind] as const),
  { name: "report" }
).pipe(
  Args.withDescription(
    "seats (per product: purchased, assigned, billable, active, reclaimable), reclaim (the seats to reclaim, with evidence) or runs (connection health and run history)."
  )
)
const connectionArg = Args.text({ name: "connection" }).pipe(
  Args.optional,
  Args.withDescription("Report on this connection only (default: every registered connection).")
)
const inactiveAfterDays = Options.integer("inactive-after-days").pipe(
  Options.optional,
  Options.withDescription(
    "Count a seat as reclaimable after this many days without activity, instead of each connection's own setting."
  )
)
const format = Options.choice("format", ReportFormat).pipe(
  Options.withDefault("table" as const),
  Options.withDescription(
    "table (default), csv (RFC 4180), json (one document; JSON Schema in apps/cli/schemas/) or html (one self-contained page with charts)."
  )
)
const out = Options.text("out").pipe(
  Options.optional,
  Options.withDescription("Write the report to this file (its directory must exist) instead of stdout.")
)
const demo = Options.boolean("demo").pipe(
  Options.withDescription("Report on the connection `seatsync sync --demo` writes (named demo).")
)

interface ReportArgs {
  readonly report: ReportKind
  readonly connection: Option.Option<string>
  readonly inactiveAfterDays: Option.Option<number>
  readonly format: ReportFormat
  readonly out: Option.Option<string>
  readonly demo: boolean
}

/** Checks what needs no database: the threshold, --demo against a name, --out's directory. */
const checkArguments = (args: ReportArgs) =>
  Effect.gen(function* () {
    if (Option.isSome(args.inactiveAfterDays) && args.inactiveAfterDays.value < 1) {
      return yield* new InvalidConfig({
        field: "--inactive-after-days",
        reason: `${args.inactiveAfterDays.value} is not a number of days; give a whole number of at least 1, e.g. 90`
      })
    }
    if (args.demo && Option.isSome(args.connection)) {
      return yield* new InvalidConfig({
        field: "--demo",
        reason: `--demo reports on the demo connection; drop either --demo or ${args.connection.value}`
      })
    }
    if (Option.isSome(args.out)) yield* checkOutDirectory(args.out.value)
  })

const selectionOf = (args: ReportArgs) =>
  Effect.gen(function* () {
    const generatedAt = new Date(yield* Clock.currentTimeMillis)
    const inactive = Option.getOrUndefined(args.inactiveAfterDays)
    const name = args.demo ? Option.some(demoConnectionName) : args.connection
    if (Option.isNone(name)) {
      const connections = yield* Connections.list
      return { connections, single: false, inactiveAfterDays: inactive, generatedAt } satisfies Selection
    }
    const found = yield* Connections.findByName(name.value)
    if (Option.isNone(found)) {
      return yield* new InvalidConfig({
        field: "connection",
        reason: args.demo
          ? "there is no demo connection yet; run `seatsync sync --demo` first"
          : `there is no connection called ${name.value}; see \`seatsync connections list\``
      })
    }
    return {
      connections: [found.value],
      single: true,
      inactiveAfterDays: inactive,
      generatedAt
    } satisfies Selection
  })

const json = (document: unknown) => `${JSON.stringify(document)}\n`

/** The report as text in the chosen format. */
const render = (args: ReportArgs, selection: Selection) =>
  Effect.gen(function* () {
    if (args.format === "html") {
      return renderHtml({
        seats: yield* loadSeats(selection),
        reclaim: yield* loadReclaim(selection),
        runs: yield* loadRuns(selection)
      })
    }
    switch (args.report) {
      case "seats": {
        const report = yield* loadSeats(selection)
        return args.format === "csv"
          ? seatsCsv(report)
          : args.format === "json"
            ? json(encodeSeats(report))
            : seatsTable(report)
      }
      case "reclaim": {
        const report = yield* loadReclaim(selection)
        return args.format === "csv"
          ? reclaimCsv(report)
          : args.format === "json"
            ? json(encodeReclaim(report))
            : reclaimTable(report)
      }
      case "runs": {
        const report = yield* loadRuns(selection)
        return args.format === "csv"
          ? runsCsv(report)
          : args.format === "json"
            ? json(encodeRuns(report))
            : runsTable(report)
      }
    }
  })

export const reportCommand = Command.make(
  "report",
  { report: kindArg, connection: connectionArg, inactiveAfterDays, format, out, demo },
  (args) =>
    Effect.gen(function* () {
      yield* checkArguments(args)
      const content = yield* Effect.flatMap(selectionOf(args), (selection) => render(args, selection)).pipe(
        Effect.scoped,
        Effect.provide(Database.layer)
      )
      yield* emit(
        content,
        Option.match(args.out, {
          onNone: () => undefined,
          onSome: (file) => ({
            file,
            description: args.format === "html" ? "HTML report" : `${args.report} report (${args.format})`
          })
        })
      )
    }).pipe(withErrorReport)
).pipe(
  Command.withDescription(
    "Report on the synced data: seats (per connection and product: purchased, assigned, billable, active in " +
      "30/60/90 days, never active, reclaimable, utilisation), reclaim (the seats to reclaim with their evidence) " +
      "or runs (each connection's health — paused, why, failures in a row — and the recent runs). Formats: an " +
      "aligned table, CSV, JSON (schemas in apps/cli/schemas/) or one self-contained HTML page with SVG charts of " +
      "seats now and over time, the reclaim list and the runs. Exit 2 for an unknown connection or an --out " +
      "directory that does not exist.\n\n" +
      "Examples:\n" +
      "  seatsync report seats --demo\n" +
      "  seatsync report seats acme --inactive-after-days 60\n" +
      "  seatsync report reclaim acme --format csv --out reclaim.csv\n" +
      "  seatsync report runs --format json | jq '.connections[] | select(.paused)'\n" +
      "  seatsync report seats --format html --out seatsync-report.html"
  )
)

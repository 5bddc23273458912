/**
 * `seatsync report <kind> [<connection>] [--inactive-after-days N] [--format table|csv|json|html] [--out FILE]
 * [--demo]`: parses the options, loads the named report (`report/Registry`) for the selected connections and
 * writes it in the chosen format to stdout or a file. `html` is one page of every report's section, whichever
 * kind is named.
 */
import { Args, Command, Options } from "@effect/cli"
import { Database } from "@seatsync/store"
import { Effect, Option } from "effect"
import { withErrorReport } from "../ErrorReport.js"
import { htmlPage } from "../report/HtmlPage.js"
import { checkOutDirectory, emit } from "../report/Output.js"
import { reports } from "../report/Registry.js"
import { type Report, type ReportFormat, reportFormats } from "../report/Report.js"
import { type Selection, select } from "../report/Selection.js"
import { withSince } from "../report/Since.js"
import { UsageError } from "../UsageError.js"

/** `a (…), b (…) or c (…)`: the reports as one phrase, each with one of its summaries. */
const listed = (summaryOf: (report: Report) => string) => {
  const phrases = reports.map((report) => `${report.kind} (${summaryOf(report)})`)
  return phrases.length === 1
    ? phrases.join("")
    : `${phrases.slice(0, -1).join(", ")} or ${phrases[phrases.length - 1]}`
}

const reportArg = Args.choice(
  reports.map((report): [string, Report] => [report.kind, report]),
  { name: "report" }
).pipe(Args.withDescription(`${listed((report) => report.summary.short)}.`))
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
const format = Options.choice("format", reportFormats).pipe(
  Options.withDefault("table" as const),
  Options.withDescription(
    "table (default), csv (RFC 4180), json (one document; JSON Schema in apps/cli/schemas/) or html (one self-contained page with charts)."
  )
)
const out = Options.text("out").pipe(
  Options.optional,
  Options.withDescription("Write the report to this file (its directory must exist) instead of stdout.")
)
const since = Options.text("since").pipe(
  Options.optional,
  Options.withDescription(
    "For changes: the period's start, a number of days back (7d, 90d) or a day (2026-11-01); default 7d."
  )
)
const demo = Options.boolean("demo").pipe(
  Options.withDescription("Report on the connection `seatsync sync --demo` writes (named demo).")
)

interface ReportArgs {
  readonly report: Report
  readonly connection: Option.Option<string>
  readonly inactiveAfterDays: Option.Option<number>
  readonly format: ReportFormat
  readonly out: Option.Option<string>
  readonly demo: boolean
  readonly since: Option.Option<string>
}

/** Checks what needs no database: the threshold, --demo against a name, --out's directory. */
const checkArguments = (args: ReportArgs) =>
  Effect.gen(function* () {
    if (Option.isSome(args.inactiveAfterDays) && args.inactiveAfterDays.value < 1) {
      return yield* new UsageError({
        field: "--inactive-after-days",
        reason: `${args.inactiveAfterDays.value} is not a number of days; give a whole number of at least 1, e.g. 90`
      })
    }
    if (args.demo && Option.isSome(args.connection)) {
      return yield* new UsageError({
        field: "--demo",
        reason: `--demo reports on the demo connection; drop either --demo or ${args.connection.value}`
      })
    }
    if (Option.isSome(args.out)) yield* checkOutDirectory(args.out.value)
  })

/** The named report in the chosen format; `html` is the page of every report's section. */
const render = (args: ReportArgs, selection: Selection) =>
  args.format === "html"
    ? Effect.map(
        Effect.forEach(reports, (report) =>
          Effect.map(report.load(selection), (rendering) => rendering.html())
        ),
        (sections) =>
          htmlPage(
            {
              connections: selection.connections.map((connection) => connection.name),
              generatedAt: selection.generatedAt
            },
            sections
          )
      )
    : Effect.map(args.report.load(selection), (rendering) => rendering[args.format]())

export const reportCommand = Command.make(
  "report",
  { report: reportArg, connection: connectionArg, inactiveAfterDays, format, out, demo, since },
  (args) =>
    Effect.gen(function* () {
      yield* checkArguments(args)
      const selection = select({
        connection: args.connection,
        demo: args.demo,
        inactiveAfterDays: Option.getOrUndefined(args.inactiveAfterDays)
      })
      const content = yield* Effect.flatMap(selection, (selected) =>
        Effect.flatMap(withSince(args.since, selected), (period) => render(args, period))
      ).pipe(Effect.scoped, Effect.provide(Database.layer))
      yield* emit(
        content,
        Option.match(args.out, {
          onNone: () => undefined,
          onSome: (file) => ({
            file,
            description:
              args.format === "html" ? "HTML report" : `${args.report.kind} report (${args.format})`
          })
        })
      )
    }).pipe(withErrorReport)
).pipe(
  Command.withDescription(
    `Report on the synced data: ${listed((report) => report.summary.long)}. Formats: an ` +
      "aligned table, CSV, JSON (schemas in apps/cli/schemas/) or one self-contained HTML page with SVG charts of " +
      "seats now and over time, the reclaim list and the runs. Exit 2 for an unknown connection or an --out " +
      "directory that does not exist.\n\n" +
      "Examples:\n" +
      [
        ...reports.flatMap((report) => report.examples),
        "seatsync report seats --format html --out seatsync-report.html"
      ]
        .map((example) => `  ${example}`)
        .join("\n")
  )
)

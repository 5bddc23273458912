import { mkdir, readFile, writeFile } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { SqlClient } from "@effect/sql"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Connections, Database } from "@seatsync/store"
import { Ajv } from "ajv"
import { Effect, Exit, Option, Scope } from "effect"
import { reports } from "../src/report/Registry.js"
import type { Report } from "../src/report/Report.js"
import { reclaim as reclaimReport } from "../src/report/reports/ReclaimReport.js"
import { runs as runsReport } from "../src/report/reports/RunsReport.js"
import { seats as seatsReport } from "../src/report/reports/SeatsReport.js"
import { type CliResult, errorSentences, runCli, tempDataDir } from "./support.js"

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** A reason with a comma, quotes and markup: CSV must quote it, HTML must escape it. */
const pauseReason = 'The Atlassian API key was rejected (401), "3 times" <in a row>'

/** RFC 4180: fields separated by commas, records by CRLF; a quoted field may hold commas, CRLF and "" quotes. */
const parseCsv = (text: string): Array<Array<string>> => {
  const records: Array<Array<string>> = []
  let record: Array<string> = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') {
      if (field !== "") throw new Error(`a quote inside an unquoted field at ${i}`)
      quoted = true
    } else if (char === ",") {
      record.push(field)
      field = ""
    } else if (char === "\r" && text[i + 1] === "\n") {
      record.push(field)
      records.push(record)
      record = []
      field = ""
      i++
    } else if (char === "\n" || char === "\r") {
      throw new Error(`a bare line break at ${i}: records end with CRLF`)
    } else field += char
  }
  if (quoted) throw new Error("an unterminated quoted field")
  if (field !== "" || record.length > 0) throw new Error("the last record does not end with CRLF")
  return records
}

const ajv = new Ajv({ allErrors: true, strict: true })
const committedSchema = (report: Report) =>
  readFile(path.join(packageDir, report.schemaFile), "utf8").then((text) => JSON.parse(text) as object)
const validatorOf = async (report: Report) => ajv.compile(await committedSchema(report))

interface SeatsJson {
  readonly report: "seats"
  readonly seats: ReadonlyArray<{
    readonly connection: string
    readonly productId: string
    readonly productKey: string
    readonly productName: string
    readonly inactiveAfterDays: number
    readonly capacity: number | null
    readonly assigned: number
    readonly billable: number
    readonly active30: number
    readonly active60: number
    readonly active90: number
    readonly neverActive: number
    readonly reclaimable: number
    readonly utilisation: number | null
  }>
  readonly ledger: ReadonlyArray<{
    readonly productId: string
    readonly day: string
    readonly assigned: number
  }>
}
interface ReclaimJson {
  readonly report: "reclaim"
  readonly candidates: ReadonlyArray<{
    readonly accountId: string
    readonly productId: string
    readonly reason: string
    readonly verdict: string
    readonly inactiveAfterDays: number
  }>
}
interface RunsJson {
  readonly report: "runs"
  readonly connections: ReadonlyArray<{
    readonly connection: string
    readonly paused: boolean
    readonly pausedReason: string | null
    readonly consecutiveFailures: number
  }>
  readonly runs: ReadonlyArray<{ readonly runId: number; readonly status: string }>
}

const escapeHtml = (text: string) =>
  text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;")

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)

describe("the committed JSON Schemas", () => {
  // `UPDATE_SCHEMAS=1 npx vitest run test/ReportCommand.test.ts` rewrites them after a change to a report's
  // document schema, or writes a new report's.
  it.each(reports.map((report) => [report.kind, report] as const))(
    "schemas/%s-report.schema.json is the one generated from the Effect Schema",
    async (_kind, report) => {
      const generated = report.jsonSchema()
      if (process.env.UPDATE_SCHEMAS === "1") {
        await mkdir(path.join(packageDir, "schemas"), { recursive: true })
        await writeFile(path.join(packageDir, report.schemaFile), `${JSON.stringify(generated, null, 2)}\n`)
      }
      expect(await committedSchema(report)).toEqual(generated)
    }
  )
})

describe("seatsync report", () => {
  const scope = Effect.runSync(Scope.make())
  let env: Record<string, string> = {}
  let dataDir = ""
  const report = (...args: ReadonlyArray<string>) => Effect.runPromise(runCli(["report", ...args], env))
  const ok = async (...args: ReadonlyArray<string>): Promise<string> => {
    const result: CliResult = await report(...args)
    expect(result.stderr, result.stderr).not.toContain("seatsync:")
    expect(result.code).toBe(0)
    return result.stdout
  }
  const inStore = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
    Effect.runPromise(
      effect.pipe(Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir })), Effect.orDie)
    )

  beforeAll(async () => {
    dataDir = await Effect.runPromise(Scope.extend(tempDataDir, scope))
    env = { SEATSYNC_DATA_DIR: dataDir }
    const sync = await Effect.runPromise(runCli(["sync", "--demo", "--users", "120"], env))
    expect(sync.code).toBe(0)
    await inStore(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const demo = yield* Connections.findByName("demo")
        if (Option.isNone(demo)) return yield* Effect.dieMessage("sync --demo left no demo connection")
        // Reports count activity ages from the moment they run; comparing two runs seconds apart must not
        // depend on a seat crossing its 30/60/90-day (or 14-day grace) line in between. Every age becomes
        // whole days plus 12 hours: the same whole days, each half a day away from any line.
        yield* sql`
          UPDATE seatsync.product_activity
          SET last_active_at = now() - make_interval(days => floor(extract(epoch FROM now() - last_active_at) / 86400)::int)
                               - interval '12 hours'
          WHERE connection_id = ${demo.value.id} AND last_active_at IS NOT NULL`
        yield* sql`
          UPDATE seatsync.org_user
          SET added_to_org = now() - make_interval(days => floor(extract(epoch FROM now() - added_to_org) / 86400)::int)
                             - interval '12 hours'
          WHERE connection_id = ${demo.value.id} AND added_to_org IS NOT NULL`
        // A week of history, as earlier daily syncs would have left it: 3 fewer seats assigned each day back.
        for (const back of [7, 3]) {
          yield* sql`
            INSERT INTO seatsync.seat_ledger (connection_id, product_id, day, run_id, capacity, assigned, billable,
              active_30, active_60, active_90, never_active, reclaimable)
            SELECT connection_id, product_id, ${daysAgo(back)}::date, run_id, capacity, greatest(assigned - ${back}, 0),
                   greatest(billable - ${back}, 0), active_30, active_60, active_90, never_active, reclaimable
            FROM seatsync.seat_ledger WHERE connection_id = ${demo.value.id} AND day = ${daysAgo(0)}::date`
        }
        // The worker gave up on it: three failed scheduled runs pause the connection.
        for (let i = 0; i < 3; i++) {
          yield* Connections.recordFailure(demo.value.id, { reason: pauseReason, pauseAfter: 3 })
        }
      })
    )
  }, 180_000)

  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("seats: the JSON validates, equals the store's utilisation view, and the table and CSV agree with it", async () => {
    const json = JSON.parse(await ok("seats", "--demo", "--format", "json")) as SeatsJson
    const validate = await validatorOf(seatsReport)
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true)
    expect(json.seats.length).toBeGreaterThan(3)

    const view = await inStore(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) => sql<Record<string, unknown>>`
          SELECT product_id AS "productId", capacity, assigned, billable, active_30 AS "active30",
                 active_60 AS "active60", active_90 AS "active90", never_active AS "neverActive", reclaimable
          FROM seatsync.v_seat_utilisation WHERE connection_name = 'demo' ORDER BY product_id`
      )
    )
    const fromReport = json.seats
      .map(
        ({
          productId,
          capacity,
          assigned,
          billable,
          active30,
          active60,
          active90,
          neverActive,
          reclaimable
        }) => ({
          productId,
          capacity,
          assigned,
          billable,
          active30,
          active60,
          active90,
          neverActive,
          reclaimable
        })
      )
      .sort((a, b) => a.productId.localeCompare(b.productId))
    expect(fromReport).toEqual(view)
    expect(json.seats.every((row) => row.inactiveAfterDays === 90)).toBe(true)
    // The ledger: today and the two earlier days, per product.
    expect(new Set(json.ledger.map((row) => row.day))).toEqual(new Set([daysAgo(7), daysAgo(3), daysAgo(0)]))
    expect(json.ledger).toHaveLength(json.seats.length * 3)

    const csv = parseCsv(await ok("seats", "--demo", "--format", "csv"))
    expect(csv[0]).toEqual([
      "connection",
      "product_id",
      "product_key",
      "product_name",
      "plan",
      "inactive_after_days",
      "capacity",
      "assigned",
      "billable",
      "active_30",
      "active_60",
      "active_90",
      "never_active",
      "reclaimable",
      "utilisation",
      // What the seats cost (empty: no price set for the demo here; SpendReports.test.ts prices them).
      "currency",
      "billing_period",
      "price_per_seat",
      "renewal_date",
      "monthly_cost_purchased",
      "monthly_cost_assigned",
      "monthly_cost_billable",
      "monthly_cost_idle"
    ])
    expect(csv.length - 1).toBe(json.seats.length)
    for (const [index, row] of json.seats.entries()) {
      expect(csv[index + 1]?.slice(1, 3)).toEqual([row.productId, row.productKey])
      expect(csv[index + 1]?.slice(6, 14)).toEqual(
        [
          row.capacity ?? "",
          row.assigned,
          row.billable,
          row.active30,
          row.active60,
          row.active90,
          row.neverActive,
          row.reclaimable
        ].map(String)
      )
    }

    const table = await ok("seats", "--demo")
    const lines = table.split("\n")
    expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(120)
    for (const row of json.seats) {
      const label =
        row.productName === row.productKey ? row.productKey : `${row.productKey} (${row.productName})`
      const line = lines.find((candidate) => candidate.startsWith(`${label} `))
      const numbers = [
        row.capacity ?? "–",
        row.assigned,
        row.billable,
        row.active30,
        row.active60,
        row.active90
      ]
      expect(line?.slice(label.length).trim().split(/\s+/).slice(0, 6)).toEqual(numbers.map(String))
    }
    // Without a name: every connection (here only demo), same rows.
    const all = JSON.parse(await ok("seats", "--format", "json")) as SeatsJson
    expect(all.seats).toEqual(json.seats)
  })

  it("seats and reclaim with --inactive-after-days: the same override in both, and they agree", async () => {
    const seats = JSON.parse(
      await ok("seats", "--demo", "--inactive-after-days", "30", "--format", "json")
    ) as SeatsJson
    const own = JSON.parse(await ok("seats", "--demo", "--format", "json")) as SeatsJson
    expect(seats.seats.every((row) => row.inactiveAfterDays === 30)).toBe(true)
    const total = (report: SeatsJson) => report.seats.reduce((sum, row) => sum + row.reclaimable, 0)
    expect(total(seats)).toBeGreaterThan(total(own))

    for (const [threshold, seatsReport] of [
      ["30", seats],
      ["90", own]
    ] as const) {
      const reclaim = JSON.parse(
        await ok("reclaim", "demo", "--inactive-after-days", threshold, "--format", "json")
      ) as ReclaimJson
      // Every reclaimable seat is one candidate for inactivity: per product, the counts match.
      const idle = reclaim.candidates.filter(
        (candidate) => candidate.reason === "inactive" || candidate.reason === "never-active"
      )
      for (const row of seatsReport.seats) {
        expect(idle.filter((candidate) => candidate.productId === row.productId)).toHaveLength(
          row.reclaimable
        )
      }
      expect(reclaim.candidates.every((candidate) => candidate.inactiveAfterDays === Number(threshold))).toBe(
        true
      )
    }
    // The connection's stored threshold is untouched.
    expect((JSON.parse(await ok("seats", "--demo", "--format", "json")) as SeatsJson).seats).toEqual(
      own.seats
    )
  })

  it("reclaim: JSON validates, CSV parses with one row per candidate, the table lists them", async () => {
    const json = JSON.parse(await ok("reclaim", "--demo", "--format", "json")) as ReclaimJson
    const validate = await validatorOf(reclaimReport)
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true)
    expect(json.candidates.length).toBeGreaterThan(0)
    // The demo has idle seats and suspended and closed accounts still holding billable roles.
    expect(new Set(json.candidates.map((candidate) => candidate.reason))).toEqual(
      new Set(["inactive", "never-active", "suspended-billable", "closed-billable"])
    )
    for (const candidate of json.candidates) {
      if (candidate.reason === "inactive" || candidate.reason === "never-active")
        expect(candidate.verdict).toBe(candidate.reason.replace("-", "_"))
    }

    const csv = parseCsv(await ok("reclaim", "--demo", "--format", "csv"))
    expect(csv[0]?.slice(0, 10)).toEqual([
      "connection",
      "account_id",
      "name",
      "email",
      "product_id",
      "product_key",
      "product_name",
      "verdict",
      "last_active_at",
      "days_since_active"
    ])
    expect(csv.length - 1).toBe(json.candidates.length)
    expect(csv.slice(1).map((row) => [row[1], row[4], row[7]])).toEqual(
      json.candidates.map((candidate) => [candidate.accountId, candidate.productId, candidate.verdict])
    )
    expect(csv.slice(1).every((row) => row.length === csv[0]?.length)).toBe(true)

    const table = await ok("reclaim", "--demo")
    const seats = new Set(json.candidates.map((candidate) => `${candidate.accountId} ${candidate.productId}`))
    expect(table).toContain(`${seats.size} seats to reclaim`)
    const rows = table
      .split("\n")
      .filter((line) =>
        /\s(never active|inactive|suspended, billable|closed, billable|duplicate person)\s+(never|\d{4}-\d\d-\d\d)\s/.test(
          line
        )
      )
    expect(rows).toHaveLength(json.candidates.length)
  })

  it("runs: the paused connection and its reason show in every format", async () => {
    const json = JSON.parse(await ok("runs", "--demo", "--format", "json")) as RunsJson
    const validate = await validatorOf(runsReport)
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true)
    expect(json.connections).toEqual([
      expect.objectContaining({
        connection: "demo",
        paused: true,
        pausedReason: pauseReason,
        consecutiveFailures: 3
      })
    ])
    expect(json.runs.map((run) => run.status)).toEqual(["succeeded"])

    const csv = parseCsv(await ok("runs", "--format", "csv"))
    expect(csv[0]).toContain("connection_paused_reason")
    expect(csv.length - 1).toBe(json.runs.length)
    const reasonColumn = csv[0]?.indexOf("connection_paused_reason") ?? -1
    const pausedColumn = csv[0]?.indexOf("connection_paused") ?? -1
    expect(csv[1]?.[reasonColumn]).toBe(pauseReason)
    expect(csv[1]?.[pausedColumn]).toBe("true")

    const table = await ok("runs")
    expect(table).toMatch(/demo\s+PAUSED\s+3\s+#\d+ succeeded/)
    expect(table).toContain(`demo is paused since`)
    expect(table).toContain(pauseReason)
    expect(table).toContain("seatsync connect demo --resume")

    const html = await ok("runs", "--demo", "--format", "html")
    expect(html).toContain(escapeHtml(pauseReason))
    expect(html).not.toContain(pauseReason)
  })

  it("html: one self-contained page with the charts, the reclaim rows and nothing fetched", async () => {
    const parent = path.dirname(dataDir)
    const file = path.join(parent, "report.html")
    const written = await ok("seats", "--demo", "--format", "html", "--out", file)
    expect(written.trim()).toBe(`Wrote the HTML report to ${file}.`)
    const html = await readFile(file, "utf8")
    expect(html.startsWith("<!doctype html>")).toBe(true)
    // Every kind gives the whole report; on stdout without --out.
    for (const { kind } of reports) {
      expect((await ok(kind, "--demo", "--format", "html")).replace(/Generated [^<]*/, "")).toEqual(
        html.replace(/Generated [^<]*/, "")
      )
    }

    const seats = JSON.parse(await ok("seats", "--demo", "--format", "json")) as SeatsJson
    // Per product a bar chart (now) and a line chart (the ledger's three days); the changes section adds one
    // chart of the connection's seats over time (assigned, billable, active: three lines).
    expect(html.match(/<svg /g)).toHaveLength(seats.seats.length * 2 + 1)
    // A line per series with a known value: the purchased line is missing where the capacity is unknown.
    expect(html.match(/<polyline /g)?.length).toBe(
      seats.seats.reduce((sum, row) => sum + (row.capacity === null ? 2 : 3), 0) + 3
    )
    for (const series of ["Purchased", "Assigned", "Active (30 days)", "Reclaimable"])
      expect(html).toContain(series)
    for (const day of [daysAgo(7), daysAgo(3), daysAgo(0)]) expect(html).toContain(day)

    const reclaim = JSON.parse(await ok("reclaim", "--demo", "--format", "json")) as ReclaimJson
    for (const candidate of reclaim.candidates)
      expect(html).toContain(`<code>${escapeHtml(candidate.accountId)}</code>`)

    // Self-contained: no URL at all, nothing that would load anything.
    expect(html).not.toMatch(/https?:\/\//i)
    expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=/i)
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i)
    // One inline script (sorting and filters), allowed by the page's Content-Security-Policy by its hash.
    expect(html.match(/<script\b[^>]*>/gi)).toEqual(["<script>"])
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'sha256-/
    )
    expect(html).not.toMatch(/@import|url\(/i)
  })

  it("fails with one sentence and exit 2 for an unknown connection or a missing --out directory", async () => {
    const unknown = await report("seats", "nope")
    expect(unknown.code).toBe(2)
    expect(unknown.stdout).toBe("")
    expect(errorSentences(unknown.stderr)).toEqual([
      "seatsync: there is no connection called nope; see `seatsync connections list`"
    ])

    const missing = path.join(path.dirname(dataDir), "no-such-dir", "report.csv")
    const out = await report("reclaim", "--demo", "--format", "csv", "--out", missing)
    expect(out.code).toBe(2)
    expect(out.stderr).toContain(`the directory ${path.dirname(missing)} does not exist`)

    const both = await report("seats", "demo", "--demo")
    expect(both.code).toBe(2)
    expect(both.stderr).toContain("drop either --demo or demo")

    const badFormat = await report("seats", "--format", "pdf")
    expect(badFormat.code).toBe(2)

    const help = await report("--help")
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("Examples:")
    expect(help.stdout).toContain("seatsync report seats --demo")
    // The registry's reports, each with its summary and examples.
    for (const listed of reports) {
      expect(help.stdout).toContain(`${listed.kind} (${listed.summary.short})`)
      expect(help.stdout).toContain(`${listed.kind} (${listed.summary.long})`)
      for (const example of listed.examples) expect(help.stdout).toContain(example)
    }
  })
})

/**
 * Issue 15's "reclaim decisions a reviewer can stand behind", end to end through demo syncs of an
 * organisation that changes in between: 80 people, then ten of them (users 70–79) leave, taking their
 * billable seats with them, then five (70–74) come back, their roles granted again through their groups. In
 * `seatsync report reclaim`, every candidate seat of a leaver is recorded — as a saving realised that day at
 * the price in force then, or, for those who came back within 30 days, as a re-grant naming the groups that
 * granted it. Each candidate also carries how often it was active in the last 90 days.
 */

import { SqlClient } from "@effect/sql"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Organisation } from "@seatsync/atlassian-simulator"
import { Connections, Database, Prices, SyncRuns } from "@seatsync/store"
import { Ajv } from "ajv"
import { Effect, Exit, Option, Scope } from "effect"
import { readCsv } from "../src/prices/CsvReader.js"
import { reclaim as reclaimReport } from "../src/report/reports/ReclaimReport.js"
import { runCli, tempDataDir } from "./support.js"

const DAY = 86_400_000
const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10)

interface Candidate {
  readonly accountId: string
  readonly productId: string
  readonly billed: boolean
  readonly lastActiveAt: string | null
  readonly activitySource: string | null
  readonly activeDays90: number | null
}
interface Outcome {
  readonly accountId: string
  readonly productId: string
  readonly outcome: "realised" | "regranted"
  readonly until: string | null
  readonly removedOn: string
  readonly currency: string | null
  readonly monthly: number | null
  readonly annual: number | null
  readonly backOn: string | null
  readonly backGrantedVia: ReadonlyArray<string>
  readonly backGroups: ReadonlyArray<string>
}
interface ReclaimJson {
  readonly generatedAt: string
  readonly candidates: ReadonlyArray<Candidate>
  readonly realised: {
    readonly seats: ReadonlyArray<Outcome>
    readonly totals: ReadonlyArray<{ currency: string; seats: number; monthly: number; annual: number }>
    readonly regranted: number
    readonly ended: number
    readonly unpricedSeats: number
  }
}

const seatKey = (seat: { readonly accountId: string; readonly productId: string }) =>
  `${seat.accountId} ${seat.productId}`

describe("realised savings and re-grants in seatsync report reclaim", () => {
  const scope = Effect.runSync(Scope.make())
  let env: Record<string, string> = {}
  let dataDir = ""
  const ok = async (...args: ReadonlyArray<string>) => {
    const result = await Effect.runPromise(runCli(args, env))
    expect(result.stderr).not.toContain("seatsync:")
    expect(result.code).toBe(0)
    return result.stdout
  }
  const reclaimJson = async (...extra: ReadonlyArray<string>) =>
    JSON.parse(await ok("report", "reclaim", "--demo", "--format", "json", ...extra)) as ReclaimJson
  const organisation = Organisation.make({ users: 80 })
  const accounts = (from: number, to: number) =>
    new Set(Array.from({ length: to - from }, (_, offset) => organisation.user(from + offset).accountId))
  // The UTC days of the run that took the seats away and of the one that gave some back, read from the
  // store (not the test's clock), so that a run crossing midnight changes nothing.
  let removedOn = ""
  let backOn = ""
  let before: ReclaimJson | undefined

  beforeAll(async () => {
    dataDir = await Effect.runPromise(Scope.extend(tempDataDir, scope))
    env = { SEATSYNC_DATA_DIR: dataDir }
    await ok("sync", "--demo", "--users", "80")
    before = await reclaimJson()
    await ok("sync", "--demo", "--users", "70")
    await ok("sync", "--demo", "--users", "75")
    // Every product at 10 EUR a seat a month, and 12 EUR from the day after the removing run: a saving of
    // that day is priced at 10. Prices are history, so setting them after the runs prices those runs' days.
    await Effect.runPromise(
      Effect.gen(function* () {
        const demo = yield* Connections.findByName("demo")
        if (Option.isNone(demo)) return yield* Effect.dieMessage("no demo connection")
        const [back, removing] = yield* SyncRuns.listRecent(demo.value.id, 2)
        if (back === undefined || removing === undefined) return yield* Effect.dieMessage("missing runs")
        removedOn = dayOf(removing.startedAt.getTime())
        backOn = dayOf(back.startedAt.getTime())
        const removingDay = Date.parse(`${removedOn}T00:00:00Z`)
        const products = yield* Prices.products(demo.value.id)
        yield* Prices.setAll(
          demo.value.id,
          products.flatMap((product) =>
            [
              [dayOf(removingDay - 100 * DAY), 10],
              [dayOf(removingDay + DAY), 12]
            ].map(([effectiveFrom, pricePerSeat]) => ({
              productId: product.productId,
              effectiveFrom: String(effectiveFrom),
              currency: "EUR",
              pricePerSeat: Number(pricePerSeat),
              billingPeriod: "monthly" as const,
              renewalDate: null,
              setBy: "test"
            }))
          )
        )
      }).pipe(Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir })), Effect.orDie)
    )
  }, 600_000)
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("every candidate seat of a leaver is realised at that day's price, or re-granted through its groups", async () => {
    const json = await reclaimJson()
    const ajv = new Ajv({ allErrors: true, strict: true })
    const validate = ajv.compile(reclaimReport.jsonSchema())
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true)

    // What the first report listed: the candidates' seats of those who left and stayed away, and of those
    // who came back.
    const candidates = before?.candidates ?? []
    const stayedAway = accounts(75, 80)
    const cameBack = accounts(70, 75)
    // One seat per account and product, however many reasons list it; only billed seats: taking away the
    // seat of a suspended or deactivated user saves nothing, so it is no realised saving nor re-grant.
    const seatsOf = (people: ReadonlySet<string>) => [
      ...new Set(candidates.filter((seat) => seat.billed && people.has(seat.accountId)).map(seatKey))
    ]
    const expectedRealised = seatsOf(stayedAway).sort()
    const expectedRegranted = seatsOf(cameBack).sort()
    // The scenario must exercise both outcomes, or the test proves nothing.
    expect(expectedRealised.length).toBeGreaterThan(0)
    expect(expectedRegranted.length).toBeGreaterThan(0)

    const seats = json.realised.seats
    const of = (outcome: Outcome["outcome"]) =>
      seats
        .filter((seat) => seat.outcome === outcome)
        .map(seatKey)
        .sort()
    expect(of("realised")).toEqual(expectedRealised)
    expect(of("regranted")).toEqual(expectedRegranted)
    expect(json.realised.regranted).toBe(expectedRegranted.length)

    for (const seat of seats) {
      expect(seat.removedOn).toBe(removedOn)
      // The price in force on the day of the removal: 10, not the next day's 12.
      expect(seat).toMatchObject({ currency: "EUR", monthly: 10, annual: 120, until: null })
      if (seat.outcome === "realised") {
        expect(seat.backOn).toBeNull()
      } else {
        expect(seat.backOn).toBe(backOn)
        // The demo grants billable roles through groups: each re-grant names the groups rejoined that day.
        expect(seat.backGrantedVia).toContain("group")
        expect(seat.backGroups.length).toBeGreaterThan(0)
      }
    }
    expect(json.realised.totals).toEqual([
      {
        currency: "EUR",
        seats: expectedRealised.length,
        monthly: 10 * expectedRealised.length,
        annual: 120 * expectedRealised.length
      }
    ])
    expect(json.realised.unpricedSeats).toBe(0)
    expect(json.realised.ended).toBe(0)

    // The same seats as CSV rows after the candidates, as a table block and as an HTML section.
    const csv = readCsv(await ok("report", "reclaim", "--demo", "--format", "csv"))
    if ("error" in csv) throw new Error(csv.error)
    const [header = [], ...rows] = csv.records.map((record) => record.fields)
    const column = (name: string) => header.indexOf(name)
    expect(column("kind")).toBeGreaterThanOrEqual(0)
    const kinds = rows.map((row) => row[column("kind")])
    expect(kinds.filter((kind) => kind === "candidate")).toHaveLength(json.candidates.length)
    expect(kinds.filter((kind) => kind === "realised")).toHaveLength(expectedRealised.length)
    const regrantedRows = rows.filter((row) => row[column("kind")] === "regranted")
    expect(regrantedRows).toHaveLength(expectedRegranted.length)
    for (const row of regrantedRows) {
      expect(row[column("came_back_on")]).toBe(backOn)
      expect(row[column("came_back_groups")]).not.toBe("")
      expect(row[column("monthly_saving")]).toBe("10")
    }

    const table = await ok("report", "reclaim", "--demo")
    expect(table).toContain(
      `Realised savings: ${expectedRealised.length} seat${expectedRealised.length === 1 ? "" : "s"} taken away and kept away, ${expectedRegranted.length} seat${expectedRegranted.length === 1 ? "" : "s"} re-granted within 30 days`
    )
    expect(table).toContain("through group")
    const html = await ok("report", "reclaim", "--demo", "--format", "html")
    expect(html).toContain("<h3>Realised savings")
    expect(html).toContain("re-granted within 30 days")
  }, 300_000)

  it("each candidate says on how many of the last 90 days its last-active date was seen", async () => {
    // At a 30-day threshold, people last active 30–90 days ago are candidates: active on at least one of
    // the last 90 days. Those idle longer, or never active, on none.
    const json = await reclaimJson("--inactive-after-days", "30")
    const generatedAt = Date.parse(json.generatedAt)
    const occasional = json.candidates.filter(
      (seat) => seat.lastActiveAt !== null && Date.parse(seat.lastActiveAt) > generatedAt - 90 * DAY
    )
    expect(occasional.length).toBeGreaterThan(0)
    for (const seat of json.candidates) {
      if (seat.activitySource === null) expect(seat.activeDays90).toBeNull()
      else if (occasional.includes(seat)) expect(seat.activeDays90).toBeGreaterThanOrEqual(1)
      else expect(seat.activeDays90).toBe(0)
    }
    const csv = readCsv(
      await ok("report", "reclaim", "--demo", "--format", "csv", "--inactive-after-days", "30")
    )
    if ("error" in csv) throw new Error(csv.error)
    const [header = [], ...rows] = csv.records.map((record) => record.fields)
    const days = rows
      .filter((row) => row[header.indexOf("kind")] === "candidate")
      .map((row) => row[header.indexOf("active_days_90")])
    expect(days).toEqual(
      json.candidates.map((seat) => (seat.activeDays90 === null ? "" : String(seat.activeDays90)))
    )
  }, 200_000)
})

describe("a realised saving ends when the seat comes back after 30 days", () => {
  const scope = Effect.runSync(Scope.make())
  let env: Record<string, string> = {}
  let dataDir = ""
  const ok = async (...args: ReadonlyArray<string>) => {
    const result = await Effect.runPromise(runCli(args, env))
    expect(result.stderr).not.toContain("seatsync:")
    expect(result.code).toBe(0)
    return result.stdout
  }
  /** Runs `effect` against the test's store. */
  const inStore = <A>(effect: Effect.Effect<A, unknown, SqlClient.SqlClient>) =>
    Effect.runPromise(
      effect.pipe(Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir })), Effect.orDie)
    )

  beforeAll(async () => {
    dataDir = await Effect.runPromise(Scope.extend(tempDataDir, scope))
    env = { SEATSYNC_DATA_DIR: dataDir }
    await ok("sync", "--demo", "--users", "80")
    await ok("sync", "--demo", "--users", "70")
    // Those two runs as if made 41 and 40 days ago: the ten leavers' seats were taken away 40 days ago.
    await inStore(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`UPDATE seatsync.sync_run SET started_at = started_at - interval '40 days' - interval '1 hour'
                   WHERE id = (SELECT min(id) FROM seatsync.sync_run)`
        yield* sql`UPDATE seatsync.sync_run SET started_at = started_at - interval '40 days'
                   WHERE id = (SELECT max(id) FROM seatsync.sync_run)`
      })
    )
    // Back today (after the 30 days), then taken away again.
    await ok("sync", "--demo", "--users", "80")
    await ok("sync", "--demo", "--users", "70")
    await inStore(
      Effect.gen(function* () {
        const demo = yield* Connections.findByName("demo")
        if (Option.isNone(demo)) return yield* Effect.dieMessage("no demo connection")
        const products = yield* Prices.products(demo.value.id)
        yield* Prices.setAll(
          demo.value.id,
          products.map((product) => ({
            productId: product.productId,
            effectiveFrom: "2000-01-01",
            currency: "EUR",
            pricePerSeat: 10,
            billingPeriod: "monthly" as const,
            renewalDate: null,
            setBy: "test"
          }))
        )
      })
    )
  }, 600_000)
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("the first removal saved until the return and is in no total; only the second one stands", async () => {
    const json = JSON.parse(await ok("report", "reclaim", "--demo", "--format", "json")) as ReclaimJson
    const ajv = new Ajv({ allErrors: true, strict: true })
    const validate = ajv.compile(reclaimReport.jsonSchema())
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true)
    const ended = json.realised.seats.filter((seat) => seat.until !== null)
    const standing = json.realised.seats.filter((seat) => seat.outcome === "realised" && seat.until === null)
    // The scenario must exercise both, or the test proves nothing.
    expect(ended.length).toBeGreaterThan(0)
    expect(json.realised.ended).toBe(ended.length)
    for (const seat of ended) {
      expect(seat.outcome).toBe("realised")
      expect(seat.until).toBe(seat.backOn)
    }
    // Each seat's money counted once: the standing savings are of distinct seats, and every ended one was
    // taken away again (a standing row of the same seat).
    const standingKeys = new Set(standing.map(seatKey))
    expect(standingKeys.size).toBe(standing.length)
    for (const seat of ended) expect(standingKeys.has(seatKey(seat))).toBe(true)
    expect(json.realised.totals).toEqual([
      {
        currency: "EUR",
        seats: standing.length,
        monthly: 10 * standing.length,
        annual: 120 * standing.length
      }
    ])

    const csv = readCsv(await ok("report", "reclaim", "--demo", "--format", "csv"))
    if ("error" in csv) throw new Error(csv.error)
    const [header = [], ...rows] = csv.records.map((record) => record.fields)
    const until = rows
      .filter((row) => row[header.indexOf("kind")] === "realised")
      .map((row) => row[header.indexOf("saving_until")])
    expect(until.filter((day) => day !== "")).toHaveLength(ended.length)
    const table = await ok("report", "reclaim", "--demo")
    expect(table).toContain(`realised until ${ended[0]?.until}`)
    expect(table).toContain("ended when the seat came back after 30 days (in no total)")
    const html = await ok("report", "reclaim", "--demo", "--format", "html")
    expect(html).toContain(`realised until ${ended[0]?.until}`)
  }, 300_000)
})

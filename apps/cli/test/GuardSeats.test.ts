/**
 * Guard seats through the real `seatsync` command: the demo organisation synced once, its connection then
 * recorded as having Atlassian Guard (as `seatsync connect demo --update --guard enabled` would), synced
 * again, and Guard priced with `prices set --product atlassian-guard`: `report seats --format json` shows the
 * Atlassian Guard row with the run's Guard-billable count, no capacity, no reclaimable seat, and its monthly
 * cost at that price; the CSV and the table carry the row too.
 */
import { SqlClient } from "@effect/sql"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Connections, Database } from "@seatsync/store"
import { Effect, Exit, Option, Scope } from "effect"
import { runCli, tempDataDir } from "./support.js"

interface GuardSeatRow {
  readonly productId: string
  readonly productKey: string
  readonly productName: string
  readonly capacity: number | null
  readonly assigned: number
  readonly billable: number
  readonly reclaimable: number
  readonly utilisation: number | null
  readonly price: { readonly currency: string; readonly pricePerSeat: number } | null
  readonly monthlyCost: {
    readonly currency: string
    readonly purchased: number | null
    readonly assigned: number
    readonly billable: number
    readonly idle: number
  } | null
}

describe("Guard seats in report seats", () => {
  const scope = Effect.runSync(Scope.make())
  let env: Record<string, string> = {}
  let dataDir = ""
  let counted = 0
  const ok = async (...args: ReadonlyArray<string>) => {
    const result = await Effect.runPromise(runCli(args, env))
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    return result.stdout
  }
  /** A sync: it logs the database's start on stderr, so only its exit code is checked. */
  const sync = async () => {
    expect((await Effect.runPromise(runCli(["sync", "--demo", "--users", "120"], env))).code).toBe(0)
  }
  const inStore = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
    Effect.runPromise(
      effect.pipe(Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir })), Effect.orDie)
    )

  beforeAll(async () => {
    dataDir = await Effect.runPromise(Scope.extend(tempDataDir, scope))
    env = { SEATSYNC_DATA_DIR: dataDir }
    await sync()
    await inStore(
      Effect.gen(function* () {
        const demo = Option.getOrThrow(yield* Connections.findByName("demo"))
        expect(demo.guard).toBe("unknown")
        yield* Connections.upsert({ name: "demo", orgId: demo.orgId, guard: "enabled" })
      })
    )
    await sync()
    counted = await inStore(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ readonly billable: number }>`
          SELECT g.billable FROM seatsync.guard_seat_count AS g
          JOIN seatsync.connection AS c ON c.id = g.connection_id WHERE c.name = 'demo'`
        return rows[0]?.billable ?? -1
      })
    )
    await ok(
      "prices",
      "set",
      "demo",
      "--product",
      "atlassian-guard",
      "--price",
      "4.5",
      "--currency",
      "USD",
      "--period",
      "monthly",
      "--from",
      "2026-01-01"
    )
  }, 300_000)

  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("--format json: the Atlassian Guard row, its count and its monthly cost at the price set", async () => {
    // The demo has managed accounts, some billable: a zero here would prove nothing.
    expect(counted).toBeGreaterThan(0)
    const json = JSON.parse(await ok("report", "seats", "--demo", "--format", "json")) as {
      readonly seats: ReadonlyArray<GuardSeatRow>
      readonly ledger: ReadonlyArray<{ readonly productId: string; readonly billable: number }>
    }
    const guard = json.seats.filter((row) => row.productId === "atlassian-guard")
    expect(guard).toHaveLength(1)
    expect(guard[0]).toMatchObject({
      productKey: "atlassian-guard",
      productName: "Atlassian Guard",
      capacity: null,
      assigned: counted,
      billable: counted,
      reclaimable: 0,
      utilisation: null,
      price: { currency: "USD", pricePerSeat: 4.5 },
      monthlyCost: {
        currency: "USD",
        purchased: null,
        assigned: Math.round(counted * 4.5 * 100) / 100,
        billable: Math.round(counted * 4.5 * 100) / 100,
        idle: 0
      }
    })
    // The first sync ran before Guard was enabled: one ledger day, written by the second run.
    expect(
      json.ledger.filter((day) => day.productId === "atlassian-guard").map((day) => day.billable)
    ).toEqual([counted])
  })

  it("the CSV and the table show the Guard row too; the reclaim list never has a Guard seat", async () => {
    const csv = await ok("report", "seats", "--demo", "--format", "csv")
    expect(csv.split("\r\n").filter((line) => line.includes("atlassian-guard"))).toHaveLength(1)
    const table = await ok("report", "seats", "--demo")
    const guardLine = table.split("\n").find((line) => line.includes("atlassian-guard"))
    // Guard has no last-active date: its activity columns say unknown, not 0.
    expect(guardLine?.replace(/\s+/g, " ")).toContain(` ${counted} ${counted} – – – – 0 `)
    expect(table).toContain("atlassian-guard: the managed accounts Atlassian Guard bills (access_billable)")
    const reclaim = JSON.parse(await ok("report", "reclaim", "--demo", "--format", "json")) as {
      readonly candidates: ReadonlyArray<{ readonly productId: string }>
    }
    expect(reclaim.candidates.length).toBeGreaterThan(0)
    expect(reclaim.candidates.filter((row) => row.productId === "atlassian-guard")).toEqual([])
  })
})

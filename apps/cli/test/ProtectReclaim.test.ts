/**
 * Protected accounts and groups never appear in `report reclaim`, in any format: after a demo sync, protect
 * one candidate of the demo organisation and one small group holding another candidate, and each is gone from
 * the JSON, CSV, table and HTML, which say how many candidates protection left out; every row carries its
 * reason code (CSV `reason`, HTML `data-reason`/`data-product`). `protect list` shows who and why,
 * `protect remove` brings the account back, and removing what is not protected is a usage error.
 */
import { userInfo } from "node:os"
import { SqlClient } from "@effect/sql"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Connections, Database } from "@seatsync/store"
import { Ajv } from "ajv"
import { Effect, Exit, Option, Scope } from "effect"
import { readCsv } from "../src/prices/CsvReader.js"
import { reclaim as reclaimReport } from "../src/report/reports/ReclaimReport.js"
import { runCli, tempDataDir } from "./support.js"

interface Candidate {
  readonly accountId: string
  readonly email: string | null
  readonly productId: string
  readonly reason: string
}
interface ReclaimJson {
  readonly candidates: ReadonlyArray<Candidate>
  readonly protectedCandidates: number
  readonly protectedAccounts: number
}

const csvRecords = (text: string): ReadonlyArray<ReadonlyArray<string>> => {
  const read = readCsv(text)
  if ("error" in read) throw new Error(read.error)
  return read.records.map((record) => record.fields)
}

describe("seatsync protect and report reclaim", () => {
  const scope = Effect.runSync(Scope.make())
  let env: Record<string, string> = {}
  let dataDir = ""
  const run = (...args: ReadonlyArray<string>) => Effect.runPromise(runCli(args, env))
  const ok = async (...args: ReadonlyArray<string>) => {
    const result = await run(...args)
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    return result.stdout
  }
  const reclaimJson = async () =>
    JSON.parse(await ok("report", "reclaim", "--demo", "--format", "json")) as ReclaimJson
  const inStore = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
    Effect.runPromise(
      effect.pipe(Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir })), Effect.orDie)
    )

  beforeAll(async () => {
    dataDir = await Effect.runPromise(Scope.extend(tempDataDir, scope))
    env = { SEATSYNC_DATA_DIR: dataDir }
    expect((await run("sync", "--demo", "--users", "120")).code).toBe(0)
  }, 300_000)

  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("a protected account and a protected group's members are gone from JSON, CSV, table and HTML", async () => {
    const before = await reclaimJson()
    const ajv = new Ajv({ allErrors: true, strict: true })
    const validate = ajv.compile(reclaimReport.jsonSchema())
    expect(validate(before), ajv.errorsText(validate.errors)).toBe(true)
    expect(before.protectedCandidates).toBe(0)
    const accounts = [...new Set(before.candidates.map((row) => row.accountId))]

    // The smallest group with a candidate among its members, and a candidate outside it to protect itself.
    const groups = await inStore(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const demo = yield* Connections.findByName("demo")
        if (Option.isNone(demo)) return yield* Effect.dieMessage("no demo connection")
        return yield* sql<{ readonly groupId: string; readonly members: ReadonlyArray<string> }>`
          SELECT group_id AS "groupId", array_agg(account_id ORDER BY account_id) AS members
          FROM seatsync.group_membership
          WHERE connection_id = ${demo.value.id} AND deleted_at IS NULL
          GROUP BY group_id ORDER BY count(*), group_id`
      })
    )
    const group = groups.find(
      (each) =>
        each.members.length < accounts.length / 2 && each.members.some((member) => accounts.includes(member))
    )
    if (group === undefined) throw new Error("no small group holds a candidate")
    const single = before.candidates.find(
      (row) => row.email !== null && !group.members.includes(row.accountId)
    )
    if (single === undefined) throw new Error("no candidate outside the group")
    const gone = new Set([single.accountId, ...group.members])
    const removed = before.candidates.filter((row) => gone.has(row.accountId))
    const kept = before.candidates.filter((row) => !gone.has(row.accountId))

    expect(
      await ok("protect", "add", "demo", "--account", single.accountId, "--reason", "break-glass admin")
    ).toContain(`Protected account ${single.accountId}`)
    expect(
      await ok(
        "protect",
        "add",
        "demo",
        "--group",
        group.groupId,
        "--reason",
        "integrations",
        "--by",
        "alice"
      )
    ).toContain(`Protected group ${group.groupId}`)
    const listed = await ok("protect", "list", "demo")
    expect(listed).toContain("2 protections in demo")
    // Who: the OS user by default, or --by.
    expect(listed).toContain(`break-glass admin`)
    expect(listed.split("\n").find((line) => line.includes("break-glass admin"))).toContain(
      userInfo().username
    )
    expect(listed).toMatch(/integrations\s+alice/)

    // JSON: exactly the other rows, and how many protection removed.
    const after = await reclaimJson()
    expect(validate(after), ajv.errorsText(validate.errors)).toBe(true)
    expect(after.candidates).toEqual(expect.arrayContaining(kept.map((row) => expect.objectContaining(row))))
    expect(after.candidates).toHaveLength(kept.length)
    expect(after.candidates.some((row) => gone.has(row.accountId))).toBe(false)
    expect(after.protectedCandidates).toBe(removed.length)
    expect(after.protectedAccounts).toBe(new Set(removed.map((row) => row.accountId)).size)

    // CSV: no row of a protected account; each row's reason as in the JSON.
    const csv = csvRecords(await ok("report", "reclaim", "--demo", "--format", "csv"))
    const header = csv[0] ?? []
    const candidateRows = csv.slice(1).filter((cells) => cells[header.indexOf("kind")] === "candidate")
    expect(candidateRows.map((cells) => cells[header.indexOf("account_id")])).toEqual(
      after.candidates.map((row) => row.accountId)
    )
    expect(candidateRows.map((cells) => cells[header.indexOf("reason")])).toEqual(
      after.candidates.map((row) => row.reason)
    )
    expect(csv.slice(1).some((cells) => gone.has(cells[header.indexOf("account_id")] ?? ""))).toBe(false)

    // Table: the protected account's email is gone and the count is stated.
    const table = await ok("report", "reclaim", "--demo")
    expect(table).not.toContain(single.email ?? "")
    expect(table).toContain(
      `${removed.length} candidate${removed.length === 1 ? "" : "s"} of ${after.protectedAccounts} protected account`
    )

    // HTML: no row of a protected account; every candidate row has its reason and product.
    const html = await ok("report", "reclaim", "--demo", "--format", "html")
    for (const accountId of gone) expect(html).not.toContain(`<code>${accountId}</code>`)
    const rows = html.match(/<tr[^>]*data-reason="[^"]*"[^>]*>/g) ?? []
    expect(rows).toHaveLength(after.candidates.length)
    for (const row of rows) expect(row).toMatch(/data-product="[^"]+"/)
    expect(rows.map((row) => /data-reason="([^"]*)"/.exec(row)?.[1])).toEqual(
      after.candidates.map((candidate) => candidate.reason)
    )
    expect(html).toContain(`${removed.length} candidate`)

    // Unprotecting the account brings its rows back; removing it again is a usage error.
    expect(await ok("protect", "remove", "demo", "--account", single.accountId)).toContain(
      "no longer protected"
    )
    const back = await reclaimJson()
    expect(back.candidates.filter((row) => row.accountId === single.accountId)).toEqual(
      before.candidates.filter((row) => row.accountId === single.accountId)
    )
    const again = await run("protect", "remove", "demo", "--account", single.accountId)
    expect(again.code).toBe(2)
    expect(again.stderr).toContain("is not protected in demo")
  }, 300_000)

  it("protect add needs exactly one of --account and --group, and a reason", async () => {
    const neither = await run("protect", "add", "demo", "--reason", "why")
    expect(neither.code).toBe(2)
    expect(neither.stderr).toContain("--account/--group")
    const both = await run("protect", "add", "demo", "--account", "a", "--group", "g", "--reason", "why")
    expect(both.code).toBe(2)
    const blank = await run("protect", "add", "demo", "--account", "a", "--reason", "  ")
    expect(blank.code).toBe(2)
    expect(blank.stderr).toContain("--reason")
    const missing = await run("protect", "add", "nope", "--account", "a", "--reason", "why")
    expect(missing.code).not.toBe(0)
  }, 120_000)
})

import { readFile, writeFile } from "node:fs/promises"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { readCsv } from "../src/prices/CsvReader.js"
import { errorSentences, runCli, tempDataDir } from "./support.js"

describe("reading a price sheet a person filled in", () => {
  it("reads quoted fields, CRLF or LF, a byte-order mark, and skips blank lines, keeping line numbers", () => {
    expect(readCsv('\uFEFFa,b\r\n"x, ""y""",2\n\n" z ", 3 \n')).toEqual({
      records: [
        { line: 1, fields: ["a", "b"] },
        { line: 2, fields: ['x, "y"', "2"] },
        { line: 4, fields: [" z ", "3"] }
      ]
    })
    expect(readCsv('a,"b\nc",d\ne')).toEqual({
      records: [
        { line: 1, fields: ["a", "b\nc", "d"] },
        { line: 3, fields: ["e"] }
      ]
    })
    expect(readCsv('a,"b')).toEqual({ error: "line 1: a quoted field is never closed" })
    expect(readCsv('a,b"c"')).toEqual({ error: "line 1: a quote inside an unquoted field" })
  })
})

describe("seatsync prices", () => {
  const scope = Effect.runSync(Scope.make())
  let env: Record<string, string> = {}
  let dir = ""
  const prices = (...args: ReadonlyArray<string>) => Effect.runPromise(runCli(["prices", ...args], env))
  const ok = async (...args: ReadonlyArray<string>) => {
    const result = await prices(...args)
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    return result.stdout
  }

  beforeAll(async () => {
    const dataDir = await Effect.runPromise(Scope.extend(tempDataDir, scope))
    dir = path.dirname(dataDir)
    env = { SEATSYNC_DATA_DIR: dataDir }
    const sync = await Effect.runPromise(runCli(["sync", "--demo", "--users", "60"], env))
    expect(sync.code).toBe(0)
  }, 180_000)
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("writes the sheet to fill in, imports it filled in, and lists the prices; unpriced products stay unknown", async () => {
    const sheet = await ok("list", "demo", "--format", "csv")
    const [header, ...rows] = sheet.trimEnd().split("\r\n")
    expect(header).toBe(
      "product,product_key,product_name,purchased,price_per_seat,currency,billing_period,renewal_date,effective_from"
    )
    expect(rows.length).toBeGreaterThan(3)
    // Every product is listed unpriced: the price columns are blank.
    expect(rows.every((row) => row.endsWith(",,,,,"))).toBe(true)
    const bitbucket = rows.find((row) => row.split(",")[1] === "bitbucket")
    const servicedesk = rows.find((row) => row.split(",")[1] === "jira-servicedesk")
    expect(bitbucket).toBeDefined()
    expect(servicedesk).toBeDefined()
    const filled = [
      header,
      ...rows.map((row) =>
        row === bitbucket
          ? row.replace(/,,,,,$/, ",3.5,usd,Monthly,,2026-01-01")
          : row === servicedesk
            ? row.replace(/,,,,,$/, ",240,EUR,annual,2027-03-01,")
            : row
      )
    ].join("\n")
    const file = path.join(dir, "prices.csv")
    await writeFile(file, filled)
    const imported = await ok("import", "demo", file)
    expect(imported).toContain("Imported 2 prices for demo:")
    expect(imported).toContain("bitbucket (bright-labs) from 2026-01-01: 3.5 USD monthly")

    const table = await ok("list", "demo")
    expect(table).toMatch(/bitbucket \(bright-labs\)\s+3\.5 USD per seat per month\s+2026-01-01/)
    expect(table).toMatch(/jira-servicedesk \(bright-labs\)\s+240 EUR per seat per year, renews 2027-03-01/)
    expect(table).toMatch(/jira-software \(bright-labs\)\s+unknown \(no price set\)/)
    expect(table).toContain(`${rows.length - 2} products have no price: their cost shows as unknown.`)

    // The sheet written now carries the prices: the file to edit next time.
    const again = (await ok("list", "demo", "--format", "csv")).trimEnd().split("\r\n")
    expect(again.find((row) => row.split(",")[1] === "bitbucket")).toMatch(/,3\.5,USD,monthly,,2026-01-01$/)
  }, 240_000)

  it("a changed price keeps the old one in the history; set names a product by its id or unique key", async () => {
    expect(
      await ok(
        "set",
        "demo",
        "--product",
        "bitbucket",
        "--price",
        "4",
        "--currency",
        "USD",
        "--period",
        "monthly",
        "--from",
        "2026-06-01"
      )
    ).toContain(
      "Set the price of bitbucket (bright-labs) for demo from 2026-06-01: 4 USD per seat per month."
    )
    const history = await ok("list", "demo", "--history")
    expect(history).toMatch(/bitbucket \(bright-labs\)\s+2026-01-01\s+3\.5 USD per seat per month/)
    expect(history).toMatch(/bitbucket \(bright-labs\)\s+2026-06-01\s+4 USD per seat per month/)
  }, 240_000)

  it("refuses, with one sentence and exit 2, what is not a price — and imports nothing from a sheet with a mistake", async () => {
    const ambiguous = await prices(
      "set",
      "demo",
      "--product",
      "jira-software",
      "--price",
      "7",
      "--currency",
      "USD",
      "--period",
      "monthly"
    )
    expect(ambiguous.code).toBe(2)
    expect(errorSentences(ambiguous.stderr)[0]).toContain(
      "jira-software names 2 products; give the product id instead"
    )

    const noRenewal = await prices(
      "set",
      "demo",
      "--product",
      "bitbucket",
      "--price",
      "7",
      "--currency",
      "USD",
      "--period",
      "annual"
    )
    expect(noRenewal.code).toBe(2)
    expect(noRenewal.stderr).toContain("an annual plan needs its renewal date")

    const notANumber = await prices(
      "set",
      "demo",
      "--product",
      "bitbucket",
      "--price",
      "$7",
      "--currency",
      "USD",
      "--period",
      "monthly"
    )
    expect(notANumber.code).toBe(2)
    expect(notANumber.stderr).toContain('"$7" is not a price per seat')

    const unknown = await prices("list", "nope")
    expect(unknown.code).toBe(2)
    expect(errorSentences(unknown.stderr)).toEqual([
      "seatsync: there is no connection called nope; see `seatsync connections list`"
    ])

    const before = await ok("list", "demo", "--history")
    const file = path.join(dir, "bad.csv")
    await writeFile(
      file,
      "product,price_per_seat,currency,billing_period\nconfluence,5,USD,monthly\nbitbucket,9,US Dollar,monthly\n"
    )
    const bad = await prices("import", "demo", file)
    expect(bad.code).toBe(2)
    const sentence = errorSentences(bad.stderr)[0] ?? ""
    expect(sentence).toContain("nothing imported")
    expect(sentence).toContain("line 2: confluence names 3 products")
    expect(sentence).toContain('line 3: "US Dollar" is not a currency code')
    expect(await ok("list", "demo", "--history")).toBe(before)
    expect(await readFile(file, "utf8")).toContain("bitbucket")
  }, 240_000)
})

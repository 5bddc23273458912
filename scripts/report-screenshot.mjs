#!/usr/bin/env node
/**
 * Regenerates docs/images/report-reclaim.png, the README's picture of the HTML reclaim report: the demo
 * organisation synced into a throwaway embedded PostgreSQL, two products in three left unpriced and the
 * others priced (monthly, and Confluence annual), `seatsync report reclaim --format html`, opened from
 * file:// in the same headless Chromium, launched with the same flags, as the CLI's browser test
 * (apps/cli/test/ChromiumLaunch.mjs: @sparticuz/chromium driven by playwright-core, nothing downloaded, the
 * page's CSP kept) at 1280×900, scrolled to the reclaim list. The CLI runs with only its own data directory:
 * a `DATABASE_URL` or Atlassian credentials in the developer's environment are not passed on, so demo data
 * never reaches a real database. Needs a build first (`npm run build`).
 * Usage: node scripts/report-screenshot.mjs [out.png]
 */
import { execFileSync } from "node:child_process"
import { chmodSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { launchChromium } from "../apps/cli/test/ChromiumLaunch.mjs"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const out = resolve(process.argv[2] ?? join(root, "docs/images/report-reclaim.png"))
const cli = join(root, "apps/cli/dist/bin.js")
// As root, PostgreSQL runs as the `postgres` user: the parent of its data directory must be searchable.
const work = mkdtempSync(join(tmpdir(), "seatsync-screenshot-"))
chmodSync(work, 0o755)
// Only the throwaway data directory: no database URL or Atlassian credentials from the developer's shell.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== "DATABASE_URL" && !name.startsWith("ATLASSIAN_"))
)
env.SEATSYNC_DATA_DIR = join(work, "postgres")
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

  const browser = await launchChromium()
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

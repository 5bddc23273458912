import { describe, expect, it } from "@effect/vitest"
import { renderCsv } from "../src/report/Csv.js"
import { htmlPage } from "../src/report/HtmlPage.js"
import { type ReclaimReport, reclaimSection } from "../src/report/reports/ReclaimReport.js"
import { type RunsReport, runsCsv, runsSection, runsTable } from "../src/report/reports/RunsReport.js"
import { chartSeries, type SeatsReport, seatsSection } from "../src/report/reports/SeatsReport.js"
import { lineChart } from "../src/report/Svg.js"
import { renderTable } from "../src/report/Table.js"

const at = new Date("2026-11-28T12:00:00Z")
const hostile = `<img src="https://evil.example/x.png" onerror='alert(1)'> & "co"`

const seats: SeatsReport = {
  report: "seats",
  generatedAt: at,
  seats: [
    {
      connection: "acme",
      productId: "ari:cloud:jira-software::site/1",
      productKey: "jira-software",
      productName: hostile,
      plan: "STANDARD",
      inactiveAfterDays: 90,
      capacity: 10,
      assigned: 8,
      billable: 6,
      active30: 1,
      active60: 2,
      active90: 2,
      neverActive: 2,
      reclaimable: 2,
      utilisation: 0.6,
      price: null,
      monthlyCost: null
    }
  ],
  ledger: ["2026-11-01", "2026-11-21", "2026-11-28"].map((day, index) => ({
    connection: "acme",
    productId: "ari:cloud:jira-software::site/1",
    productKey: "jira-software",
    productName: hostile,
    day,
    capacity: 10,
    assigned: 6 + index,
    billable: 6,
    active30: 1,
    active60: 2,
    active90: 2,
    neverActive: 2,
    reclaimable: 2,
    dailyCost: null
  })),
  monthlyCostTotals: [],
  unpricedProducts: 1
}
const reclaim: ReclaimReport = {
  report: "reclaim",
  generatedAt: at,
  candidates: [
    {
      connection: "acme",
      accountId: "u3",
      name: hostile,
      email: "u3@acme.example",
      productId: "ari:cloud:jira-software::site/1",
      productKey: "jira-software",
      productName: hostile,
      reason: "inactive",
      verdict: "inactive",
      billed: true,
      roles: ["atlassian/admin"],
      accountType: "atlassian",
      status: "active",
      accountStatus: "active",
      membershipStatus: "active",
      duplicateRules: [],
      otherAccountIds: [],
      managed: false,
      lastActiveAt: new Date("2026-08-20T00:00:00Z"),
      daysSinceActive: 100,
      activeDays90: 2,
      activitySource: "bulk_expand",
      activityObservedAt: at,
      addedToOrg: null,
      daysSinceAdded: null,
      inactiveAfterDays: 90,
      saving: null
    }
  ],
  savings: {
    byProduct: [
      {
        connection: "acme",
        productId: "ari:cloud:jira-software::site/1",
        productKey: "jira-software",
        productName: hostile,
        seats: 1,
        currency: null,
        billingPeriod: null,
        monthly: null,
        annual: null,
        from: null,
        month: null
      }
    ],
    totals: [],
    byMonth: [],
    unpricedSeats: 1,
    unbilledSeats: 0
  },
  protectedCandidates: 0,
  protectedAccounts: 0,
  realised: {
    seats: [
      {
        connection: "acme",
        outcome: "regranted",
        until: null,
        accountId: "u4",
        name: hostile,
        email: null,
        productId: "ari:cloud:jira-software::site/1",
        productKey: "jira-software",
        productName: hostile,
        roles: ["atlassian/user"],
        removedOn: "2026-11-20",
        lastActiveAt: null,
        currency: null,
        billingPeriod: null,
        monthly: null,
        annual: null,
        from: null,
        backOn: "2026-11-27",
        backGrantedVia: ["group"],
        backGroups: [hostile]
      }
    ],
    totals: [],
    regranted: 1,
    ended: 0,
    unpricedSeats: 0
  }
}
const runs: RunsReport = {
  report: "runs",
  generatedAt: at,
  connections: [
    {
      connection: "acme",
      orgId: "org-1",
      schedule: "0 2 * * *",
      timeZone: "UTC",
      paused: true,
      pausedAt: at,
      pausedReason: hostile,
      consecutiveFailures: 3,
      lastRunId: 7,
      lastRunStatus: "failed",
      lastRunStartedAt: at,
      lastRunFinishedAt: at,
      lastErrorTag: "InvalidApiKey",
      lastErrorMessage: hostile,
      lastSuccessAt: null
    }
  ],
  runs: []
}

describe("report renderers", () => {
  it("CSV quotes exactly the fields that need it (RFC 4180) and ends every record with CRLF", () => {
    expect(
      renderCsv(
        ["a", "b", "c", "d"],
        [
          ["plain", 'say "hi"', "x,y", null],
          ["line\nbreak", 1, true, ""]
        ]
      )
    ).toBe('a,b,c,d\r\nplain,"say ""hi""","x,y",\r\n"line\nbreak",1,true,\r\n')
  })

  it("HTML escapes every value from the data and references nothing outside the page", () => {
    const html = htmlPage({ connections: ["acme"], generatedAt: at }, [
      seatsSection(seats),
      reclaimSection(reclaim),
      runsSection(runs)
    ])
    expect(html).not.toContain("<img")
    expect(html).not.toContain("onerror='")
    // The data's URL is text now, never an attribute of a tag that would fetch it.
    // (Attribute values are blanked first: escaped, they hold no raw quote to break out of.)
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\s(src|href)\s*=/i)
    expect(html).toContain("&lt;img src=&quot;")
    expect(html).toContain("&#39;alert(1)&#39;&gt; &amp; &quot;co&quot;")
    expect(html).toContain("<title>seatsync report — acme</title>")
    expect(html).toContain("<code>u3</code>")
    expect(html).toContain('<span class="badge bad">paused</span>')
    for (const series of Object.values(chartSeries)) expect(html).toContain(series.name)
  })

  it("the line chart places days by date, not by index", () => {
    const svg = lineChart(
      "t",
      ["2026-11-01", "2026-11-21", "2026-11-28"],
      [{ series: chartSeries.assigned, values: [1, 2, 3] }]
    )
    const xs = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((match) => Number(match[1]))
    expect(xs).toHaveLength(3)
    const [first = 0, second = 0, third = 0] = xs
    // 20 days then 7 days: the second gap is 7/20 of the first.
    expect((third - second) / (second - first)).toBeCloseTo(7 / 20, 2)
  })

  it("the table aligns columns and cuts long cells with an ellipsis", () => {
    const table = renderTable(
      [
        { header: "name", maxWidth: 6 },
        { header: "n", align: "right" }
      ],
      [
        ["abcdefghij", "5"],
        ["ab", "12"]
      ]
    )
    expect(table.split("\n")).toEqual(["name     n", "──────  ──", "abcde…   5", "ab      12"])
  })

  it("runs: a paused connection without any run still shows, in the table and as a CSV row of its own", () => {
    const table = runsTable(runs)
    expect(table.split("\n").slice(0, 3)).toEqual([
      "Connections",
      "",
      "connection  state   failures  last run   last success  schedule"
    ])
    expect(table).toContain("acme is paused since 2026-11-28 12:00 UTC: ")
    expect(table).toContain("resume with `seatsync connect acme --resume`.")
    expect(table.endsWith("Runs (the 0 most recent, newest first)\n\nNo runs recorded yet.")).toBe(true)

    const [header = "", row = "", ...rest] = runsCsv(runs).split("\r\n")
    expect(header.split(",").slice(-4)).toEqual([
      "connection_paused",
      "connection_paused_at",
      "connection_paused_reason",
      "connection_consecutive_failures"
    ])
    // The run's own columns are empty but its connection; the connection's state fills the last four.
    const cells = header.split(",")
    const runCells = cells.length - 4
    expect(row.startsWith(`,acme${",".repeat(runCells - 1)}true,2026-11-28T12:00:00.000Z,`)).toBe(true)
    expect(row.endsWith(",3")).toBe(true)
    expect(rest).toEqual([""])
  })
})

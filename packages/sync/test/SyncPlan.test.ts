/**
 * `planSync` as arithmetic: pages per listing under the simulator's paging rule, one call per group's role
 * assignments, one listing per product × product role, the counts read twice, and the least wall time the
 * pacing allows. Pure: plain values in, plain values out.
 */
import { describe, expect, it } from "@effect/vitest"
import { defaultPacing, unpaced } from "@seatsync/atlassian-client"
import { type OrgSize, pacedSeconds, pagesFor, plannedProductRoleIds, planSync } from "../src/index.js"

const size = (overrides: Partial<OrgSize> = {}): OrgSize => ({
  users: 5_000,
  groups: 250,
  directories: 3,
  workspaces: 20,
  products: 20,
  roleHolders: { _tag: "Counted", perListing: [] },
  ...overrides
})

const callsOf = (plan: ReturnType<typeof planSync>, prefix: string) =>
  plan.listings.find((listing) => listing.name.startsWith(prefix))?.calls

describe("pagesFor", () => {
  it("ends every walk with the page that has no next cursor: ⌊n / size⌋ + 1", () => {
    expect(pagesFor(0, 100)).toBe(1)
    expect(pagesFor(99, 100)).toBe(1)
    expect(pagesFor(100, 100)).toBe(2)
    expect(pagesFor(101, 100)).toBe(2)
    expect(pagesFor(5_000, 100)).toBe(51)
    expect(pagesFor(20, 1000)).toBe(1)
  })
})

describe("planSync", () => {
  it("lists holders of the eight product roles, none of the platform roles", () => {
    expect(plannedProductRoleIds).toHaveLength(8)
    expect(plannedProductRoleIds).not.toContain("atlassian/org-admin")
    expect(plannedProductRoleIds).not.toContain("atlassian/site-admin")
    expect(plannedProductRoleIds).not.toContain("atlassian/ai-access")
  })

  it("counts each listing of a full sync and sums them", () => {
    const holders = Array.from({ length: 160 }, (_, index) => (index < 10 ? 250 : 0))
    const plan = planSync(size({ roleHolders: { _tag: "Counted", perListing: holders } }), defaultPacing)
    expect(callsOf(plan, "organisation")).toBe(1)
    // users/count + groups/count + one directories page + users/stats for each of the 3 directories
    expect(callsOf(plan, "counts before")).toBe(6)
    expect(callsOf(plan, "counts after")).toBe(6)
    expect(callsOf(plan, "workspaces")).toBe(1)
    expect(callsOf(plan, "users search")).toBe(51)
    expect(callsOf(plan, "groups search")).toBe(3)
    expect(callsOf(plan, "group role assignments")).toBe(250)
    // 160 listings of one page at least, and two more pages for each of the ten with 250 holders
    expect(callsOf(plan, "product role holders")).toBe(180)
    expect(plan.totalCalls).toBe(1 + 6 + 1 + 51 + 3 + 250 + 180 + 6)
    expect(plan.exact).toBe(true)
    expect(plan.lastActiveCalls).toBe(0)
  })

  it("estimates role holders from a total as one call per listing plus one per 100 holders, and says so", () => {
    const plan = planSync(
      size({ roleHolders: { _tag: "Estimated", total: 34_000, basis: "users/stats" } }),
      defaultPacing
    )
    expect(callsOf(plan, "product role holders")).toBe(160 + 340)
    expect(plan.exact).toBe(false)
    expect(plan.assumptions.join(" ")).toContain("lower bound")
  })

  it("walks the managed accounts once for a connection with Guard, in pages the server chooses", () => {
    const plan = planSync(size({ managedAccounts: { count: 250, basis: "previous run" } }), defaultPacing)
    expect(callsOf(plan, "managed accounts (Guard)")).toBe(3)
    expect(plan.exact).toBe(false)
    expect(callsOf(planSync(size(), defaultPacing), "managed accounts")).toBeUndefined()
  })

  it("takes the least wall time the pacing allows: the burst at once, the rest at the sustained rate", () => {
    expect(pacedSeconds(10, defaultPacing)).toBe(0)
    expect(pacedSeconds(310, defaultPacing)).toBe(100)
    const plan = planSync(size(), { ...defaultPacing, requestsPerSecond: 2, burst: 0 })
    expect(plan.wallSeconds).toBe(plan.totalCalls / 2)
  })

  it("gives no wall time when unpaced: latency alone sets it", () => {
    const plan = planSync(size(), unpaced)
    expect(plan.wallSeconds).toBeUndefined()
    expect(plan.assumptions.join(" ")).toContain("Unpaced")
  })
})

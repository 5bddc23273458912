import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { classifyInactivity, ProductActivity } from "../src/index.js"

const now = new Date("2026-11-28T00:00:00Z")
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000)
const activity = (lastActiveAt: Date | null) =>
  new ProductActivity({
    accountId: "a",
    productId: "p",
    lastActiveAt,
    source: "bulk_expand",
    observedAt: now
  })
const policy = { now, inactiveAfterDays: 90, graceDays: 14 }

describe("classifyInactivity", () => {
  it.each([
    ["active within N days", daysAgo(400), activity(daysAgo(89)), "active"],
    ["inactive after N days", daysAgo(400), activity(daysAgo(90)), "inactive"],
    ["never active", daysAgo(400), activity(null), "never_active"],
    ["no activity row", daysAgo(400), undefined, "no_data"],
    ["recently added, never active", daysAgo(3), activity(null), "recently_added"],
    ["recently added but active", daysAgo(3), activity(daysAgo(1)), "active"],
    ["unknown added date, no data", null, undefined, "no_data"]
  ] as const)("%s", (_label, addedToOrg, row, verdict) => {
    expect(classifyInactivity(policy, { addedToOrg, claimStatus: "managed" }, row).verdict).toBe(verdict)
  })

  it("keeps the evidence next to the verdict", () => {
    const { evidence } = classifyInactivity(
      policy,
      { addedToOrg: daysAgo(200), claimStatus: "unmanaged" },
      activity(daysAgo(120))
    )
    expect(evidence).toEqual({
      lastActiveAt: daysAgo(120),
      source: "bulk_expand",
      observedAt: now,
      daysSinceActive: 120,
      daysSinceAdded: 200,
      managed: false
    })
  })

  it("is active exactly when last active fewer than N days ago", () => {
    FastCheck.assert(
      FastCheck.property(
        FastCheck.integer({ min: 0, max: 2000 }),
        FastCheck.integer({ min: 1, max: 365 }),
        (days, n) => {
          const { verdict } = classifyInactivity(
            { now, inactiveAfterDays: n },
            { addedToOrg: daysAgo(3000), claimStatus: null },
            activity(daysAgo(days))
          )
          return (verdict === "active") === days < n && (verdict === "active" || verdict === "inactive")
        }
      )
    )
  })
})

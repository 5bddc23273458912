/**
 * The lines of the inactivity verdict, to the millisecond: a seat is active while it was last used fewer
 * than N whole days ago, and an account is `recently_added` while it joined fewer than the grace days (14 by
 * default) ago. One millisecond either side of each line decides the verdict.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { classifyInactivity, defaultGraceDays, ProductActivity, Verdict } from "../src/index.js"

const DAY = 86_400_000
const now = new Date("2026-11-28T12:00:00Z")
const ago = (millis: number) => new Date(now.getTime() - millis)
const activity = (lastActiveAt: Date | null) =>
  new ProductActivity({
    accountId: "a",
    productId: "p",
    lastActiveAt,
    source: "bulk_expand",
    observedAt: now
  })

const verdict = (
  addedToOrg: Date | null,
  row: ProductActivity | undefined,
  policy: { readonly inactiveAfterDays: number; readonly graceDays?: number } = { inactiveAfterDays: 90 }
) => classifyInactivity({ now, ...policy }, { addedToOrg, claimStatus: "managed" }, row).verdict

describe("the 14-day grace for new accounts", () => {
  it("is 14 days by default", () => {
    expect(defaultGraceDays).toBe(14)
  })

  it.each([
    ["joined just now", 0, "recently_added"],
    ["joined 13 days ago", 13 * DAY, "recently_added"],
    ["joined 1 ms short of 14 days ago", 14 * DAY - 1, "recently_added"],
    ["joined exactly 14 days ago: the grace is over", 14 * DAY, "never_active"],
    ["joined 14 days and 1 ms ago", 14 * DAY + 1, "never_active"],
    ["joined 15 days ago", 15 * DAY, "never_active"]
  ] as const)("never active, %s (%i ms) → %s (default grace)", (_, joined, expected) => {
    expect(verdict(ago(joined), activity(null))).toBe(expected)
  })

  it.each([
    ["1 ms short of 14 days", 14 * DAY - 1, "recently_added"],
    ["exactly 14 days", 14 * DAY, "inactive"]
  ] as const)(
    "inactive for 200 days, joined %s ago (%i ms) → %s (grace given explicitly)",
    (_, joined, expected) => {
      expect(verdict(ago(joined), activity(ago(200 * DAY)), { inactiveAfterDays: 90, graceDays: 14 })).toBe(
        expected
      )
    }
  )

  it.each([
    ["1 ms short of 14 days", 14 * DAY - 1, "recently_added"],
    ["exactly 14 days", 14 * DAY, "no_data"]
  ] as const)("no activity row, joined %s ago (%i ms) → %s", (_, joined, expected) => {
    expect(verdict(ago(joined), undefined)).toBe(expected)
  })

  it("follows a policy's own grace: 30 days", () => {
    expect(verdict(ago(30 * DAY - 1), activity(null), { inactiveAfterDays: 90, graceDays: 30 })).toBe(
      "recently_added"
    )
    expect(verdict(ago(30 * DAY), activity(null), { inactiveAfterDays: 90, graceDays: 30 })).toBe(
      "never_active"
    )
  })

  it("a zero-day grace gives none", () => {
    expect(verdict(ago(0), activity(null), { inactiveAfterDays: 90, graceDays: 0 })).toBe("never_active")
  })
})

describe("the N-day activity line", () => {
  it.each([
    ["1 ms short of 90 days", 90 * DAY - 1, "active"],
    ["exactly 90 days", 90 * DAY, "inactive"],
    ["90 days and 1 ms", 90 * DAY + 1, "inactive"]
  ] as const)("last active %s ago (%i ms) → %s", (_, since, expected) => {
    expect(verdict(ago(400 * DAY), activity(ago(since)))).toBe(expected)
  })

  it("activity beats the grace: active within N days is active, however new the account", () => {
    expect(verdict(ago(DAY), activity(ago(DAY)))).toBe("active")
  })
})

describe("the verdict's vocabulary and evidence", () => {
  it("the Verdict schema accepts exactly the five verdicts", () => {
    for (const verdict of ["active", "inactive", "never_active", "no_data", "recently_added"]) {
      expect(Schema.decodeUnknownSync(Verdict)(verdict)).toBe(verdict)
    }
    expect(() => Schema.decodeUnknownSync(Verdict)("")).toThrow()
  })

  it.each([
    ["managed", true],
    ["unmanaged", false],
    [null, null]
  ] as const)("claim status %s → managed %s in the evidence", (claimStatus, managed) => {
    const { evidence } = classifyInactivity(
      { now, inactiveAfterDays: 90 },
      { addedToOrg: null, claimStatus },
      undefined
    )
    expect(evidence.managed).toBe(managed)
  })
})

import { describe, expect, it } from "@effect/vitest"
import { isBillableRole, roleBillability } from "../src/index.js"

describe("isBillableRole", () => {
  it.each([
    ["atlassian/user", true],
    ["atlassian/admin", true],
    ["atlassian/guest", false],
    ["atlassian/customer", false],
    ["atlassian/user-access-admin", false],
    ["atlassian/contributor", false],
    ["atlassian/basic", false],
    ["atlassian/stakeholder", false],
    ["atlassian/org-admin", false],
    ["atlassian/site-admin", false],
    ["atlassian/ai-access", false],
    ["atlassian/some-future-role", false]
  ])("%s consumes a licence: %s", (roleId, billable) => {
    expect(isBillableRole(roleId)).toBe(billable)
  })

  it("classifies every role id the API documents", () => {
    expect(Object.keys(roleBillability)).toHaveLength(11)
  })
})

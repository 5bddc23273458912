import { describe, expect, it } from "@effect/vitest"
import { Organisation } from "../src/index.js"

const all = (organisation: Organisation.Organisation) => [...organisation.users()]

describe("Organisation", () => {
  it("is deterministic: the same seed gives the same organisation and users", () => {
    const a = Organisation.make({ seed: 7, users: 200 })
    const b = Organisation.make({ seed: 7, users: 200 })
    expect(a.orgId).toBe(b.orgId)
    expect(a.name).toBe(b.name)
    expect(a.directories).toEqual(b.directories)
    expect(a.groups).toEqual(b.groups)
    expect(all(a)).toEqual(all(b))
  })

  it("differs for a different seed", () => {
    const a = Organisation.make({ seed: 1, users: 50 })
    const b = Organisation.make({ seed: 2, users: 50 })
    expect(a.orgId).not.toBe(b.orgId)
    expect(a.user(3).accountId).not.toBe(b.user(3).accountId)
    expect(a.directories[0]?.directoryId).not.toBe(b.directories[0]?.directoryId)
  })

  it("derives a user from (seed, index) alone, whatever the organisation's size", () => {
    const small = Organisation.make({ seed: 3, users: 10 })
    const large = Organisation.make({ seed: 3, users: 100_000 })
    expect(large.user(9)).toEqual(small.user(9))
    const started = performance.now()
    const last = large.user(99_999)
    expect(performance.now() - started).toBeLessThan(50)
    expect(last.index).toBe(99_999)
    expect(() => large.user(100_000)).toThrow(RangeError)
  })

  it("has a uuid org id, 2–3 directories (one local, one IdP-synced) and sites with product ARIs", () => {
    const organisation = Organisation.make()
    expect(organisation.userCount).toBe(500)
    expect(organisation.orgId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    )
    expect(organisation.directories.length).toBeGreaterThanOrEqual(2)
    expect(organisation.directories.length).toBeLessThanOrEqual(3)
    expect(organisation.directories.map((directory) => directory.kind).slice(0, 2)).toEqual(["local", "idp"])
    for (const product of organisation.products) {
      if (product.key === "bitbucket") expect(product.resourceId).toMatch(/^ari:cloud:bitbucket::workspace\//)
      else expect(product.resourceId).toBe(`ari:cloud:${product.key}::site/${product.cloudId}`)
    }
    expect(new Set(organisation.products.map((product) => product.key))).toEqual(
      new Set(["jira-software", "confluence", "jira-servicedesk", "bitbucket"])
    )
  })

  it("makes user 0 the active org admin", () => {
    const admin = Organisation.make({ seed: 11 }).user(0)
    expect(admin.status).toBe("active")
    expect(admin.claimStatus).toBe("managed")
    expect(admin.platformRoles).toContain("atlassian/org-admin")
  })

  it("keeps statuses consistent with accountStatus and membershipStatus (admin-api.md §2.3)", () => {
    const organisation = Organisation.make({ seed: 5, users: 2000 })
    const statuses = new Set<string>()
    for (const user of organisation.users()) {
      statuses.add(user.status)
      switch (user.status) {
        case "active":
          expect([user.accountStatus, user.membershipStatus]).toEqual(["active", "active"])
          break
        case "suspended":
          expect([user.accountStatus, user.membershipStatus]).toEqual(["active", "suspended"])
          break
        case "not_invited":
          expect([user.accountStatus, user.membershipStatus]).toEqual(["active", "no_membership"])
          expect(user.directoryIds).toEqual([])
          expect(user.claimStatus).toBe("managed")
          break
        case "deactivated":
        case "for_deletion":
          expect(user.accountStatus).toBe("inactive")
          break
      }
    }
    expect(statuses).toEqual(new Set(["active", "suspended", "not_invited", "deactivated", "for_deletion"]))
  })

  it("has realistic variety: both account id formats, managed and unmanaged domains, hidden emails", () => {
    const organisation = Organisation.make({ seed: 1, users: 1000 })
    const users = all(organisation)
    expect(users.some((user) => /^557058:[0-9a-f-]{36}$/.test(user.accountId))).toBe(true)
    expect(users.some((user) => /^[0-9a-f]{24}$/.test(user.accountId))).toBe(true)
    expect(new Set(users.map((user) => user.accountId)).size).toBe(users.length)
    for (const user of users) {
      const domain = user.email?.split("@")[1]
      if (user.claimStatus === "managed") {
        expect(organisation.verifiedDomains).toContain(domain)
      } else if (domain !== undefined) {
        expect(organisation.verifiedDomains).not.toContain(domain)
      }
    }
    expect(users.some((user) => user.email === undefined)).toBe(true)
    expect(users.some((user) => user.email?.endsWith("@gmail.com"))).toBe(true)
    expect(users.some((user) => user.platformRoles.includes("atlassian/site-admin"))).toBe(true)
  })

  it("gives product access through groups, with some users never active in a product", () => {
    const organisation = Organisation.make({ seed: 1, users: 1000 })
    const users = all(organisation)
    const resourceIds = new Set(organisation.products.map((product) => product.resourceId))
    let neverActiveListed = 0
    for (const user of users) {
      for (const access of user.productAccess) {
        expect(resourceIds.has(access.id)).toBe(true)
        expect(user.roles.some((role) => role.resourceId === access.id)).toBe(true)
        if (access.lastActiveTimestamp === undefined) neverActiveListed++
        else {
          expect(Date.parse(access.lastActiveTimestamp)).toBeLessThanOrEqual(
            Date.parse(organisation.referenceTime)
          )
          expect(Date.parse(access.lastActiveTimestamp)).toBeGreaterThanOrEqual(
            Date.parse(user.addedToOrg) - 86_400_000
          )
        }
      }
      for (const groupId of user.groupIds) {
        expect(organisation.group(groupId)?.directoryId).toBe(user.directoryIds[0])
      }
    }
    expect(neverActiveListed).toBeGreaterThan(0)
    // Some users hold a role on a product they never used and that productAccess does not list.
    expect(
      users.some((user) =>
        user.roles.some((role) => !user.productAccess.some((access) => access.id === role.resourceId))
      )
    ).toBe(true)
  })

  it("finds users by account id and by email", () => {
    const organisation = Organisation.make({ seed: 2, users: 300 })
    const user = organisation.user(123)
    expect(organisation.userIndexOfAccountId(user.accountId)).toBe(123)
    if (user.email !== undefined) expect(organisation.userIndexOfEmail(user.email.toUpperCase())).toBe(123)
    expect(organisation.userIndexOfAccountId("nobody")).toBeUndefined()
  })

  it("rejects invalid options", () => {
    expect(() => Organisation.make({ users: -1 })).toThrow(RangeError)
    expect(() => Organisation.make({ referenceTime: "yesterday" })).toThrow(RangeError)
  })
})

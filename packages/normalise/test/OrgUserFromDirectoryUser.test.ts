import { describe, expect, it } from "@effect/vitest"
import type { DirectoryUser } from "@seatsync/atlassian-client"
import { Either } from "effect"
import { orgUserFromDirectoryUser } from "../src/index.js"

const base: DirectoryUser = {
  accountId: "557058:1368c49b-0f7a-4c1e-9d2a-8c1f1f0c2b11",
  accountType: "atlassian",
  status: "active",
  accountStatus: "active",
  membershipStatus: "active",
  addedToOrg: "2024-01-15T10:00:00.000Z",
  name: "Ada Lovelace",
  nickname: "ada",
  email: "Ada.Lovelace@Example.COM",
  claimStatus: "managed",
  managementSource: "synced",
  mfaEnabled: true,
  jobTitle: "Engineer",
  department: "  ",
  timeZone: "Europe/London",
  platformRoles: ["atlassian/site-admin", "atlassian/org-admin"]
}

describe("orgUserFromDirectoryUser", () => {
  it("maps every field and derives the email domain", () => {
    const user = Either.getOrThrow(orgUserFromDirectoryUser(base))
    expect(user.accountId).toBe(base.accountId)
    expect(user.email).toBe("ada.lovelace@example.com")
    expect(user.emailDomain).toBe("example.com")
    expect(user.addedToOrg?.toISOString()).toBe("2024-01-15T10:00:00.000Z")
    expect(user.claimStatus).toBe("managed")
    expect(user.department).toBeNull()
    expect(user.platformRoles).toEqual(["atlassian/org-admin", "atlassian/site-admin"])
  })

  it("keeps a hidden email as null and falls back to the nickname for the name", () => {
    const { email: _email, name: _name, ...hidden } = base
    const user = Either.getOrThrow(orgUserFromDirectoryUser(hidden))
    expect(user.email).toBeNull()
    expect(user.emailDomain).toBeNull()
    expect(user.name).toBe("ada")
  })

  it("treats fields that only come with expand as empty, not as an error", () => {
    const user = Either.getOrThrow(orgUserFromDirectoryUser({ accountId: "5b86be50b8e3cb5895860d6d" }))
    expect(user.platformRoles).toEqual([])
    expect(user.status).toBeNull()
    expect(user.name).toBe("5b86be50b8e3cb5895860d6d")
  })

  it("rejects a user without an account id, keeping the record and the reason", () => {
    const result = orgUserFromDirectoryUser({ ...base, accountId: "  " })
    const rejected = Either.getLeft(result)
    expect(rejected._tag).toBe("Some")
    if (rejected._tag === "Some") {
      expect(rejected.value.reason).toBe("accountId is missing")
      expect(rejected.value.entity).toBe("org_user")
      expect(rejected.value.record).toEqual({ ...base, accountId: "  " })
    }
  })

  it("rejects an unreadable addedToOrg instead of storing a wrong date", () => {
    const rejected = Either.getLeft(orgUserFromDirectoryUser({ ...base, addedToOrg: "yesterday-ish" }))
    expect(rejected._tag === "Some" && rejected.value.reason).toBe(
      "addedToOrg is not an ISO-8601 date: yesterday-ish"
    )
  })
})

import { describe, expect, it } from "@effect/vitest"
import { type DirectoryUser, InvalidRecord } from "@seatsync/atlassian-client"
import { Either } from "effect"
import {
  activityFromDirectoryUser,
  identifierProblem,
  makeProductIndex,
  orgGroupFromDirectoryGroup,
  orgUserFromDirectoryUser,
  productFromWorkspace,
  rowsFromDirectoryUser
} from "../src/index.js"

const jiraId = "ari:cloud:jira-software::site/c0ffee00-0000-4000-8000-000000000001"
const products = makeProductIndex([Either.getOrThrow(productFromWorkspace({ id: jiraId }))])
const observedAt = new Date("2026-11-28T00:00:00Z")

const user: DirectoryUser = {
  accountId: "acc-1",
  addedToOrg: "2024-01-15T10:00:00.000Z",
  groups: [{ id: "g-1" }, { id: "g-2" }],
  productAccess: [{ id: jiraId, key: "jira-software", lastActiveTimestamp: "2026-11-01T08:00:00Z" }]
}

const reasonOf = <A>(result: Either.Either<A, { readonly reason: string }>) =>
  Either.match(result, { onLeft: (rejected) => rejected.reason, onRight: () => "accepted" })

describe("dates are strict ISO-8601", () => {
  it.each([
    ["2024-01-15T10:00:00.000Z", "2024-01-15T10:00:00.000Z"],
    ["2024-01-15T10:00:00Z", "2024-01-15T10:00:00.000Z"],
    ["2024-01-15T12:00:00+02:00", "2024-01-15T10:00:00.000Z"],
    ["2024-01-15T12:00+0200", "2024-01-15T10:00:00.000Z"],
    ["2024-01-15T10:00:00", "2024-01-15T10:00:00.000Z"],
    ["2024-01-15", "2024-01-15T00:00:00.000Z"]
  ])("accepts %s as %s", (text, iso) => {
    const parsed = Either.getOrThrow(orgUserFromDirectoryUser({ ...user, addedToOrg: text }))
    expect(parsed.addedToOrg?.toISOString()).toBe(iso)
  })

  it.each([
    "abc 5",
    "5",
    "May 1, 2001",
    "2023-02-30",
    "2024-13-01",
    "2024-01-15T25:00:00Z",
    "15/01/2024",
    "1705312800000"
  ])("quarantines %s instead of guessing a date", (text) => {
    expect(reasonOf(orgUserFromDirectoryUser({ ...user, addedToOrg: text }))).toBe(
      `addedToOrg is not an ISO-8601 date: ${text}`
    )
  })

  it("a blank or absent date is no date, not a rejection", () => {
    expect(Either.getOrThrow(orgUserFromDirectoryUser({ ...user, addedToOrg: " " })).addedToOrg).toBeNull()
    const { addedToOrg: _absent, ...without } = user
    expect(Either.getOrThrow(orgUserFromDirectoryUser(without)).addedToOrg).toBeNull()
  })

  it("a last-active time that is not ISO-8601 is rejected, never stored as some other day", () => {
    const result = activityFromDirectoryUser(
      { accountId: "acc-1", productAccess: [{ id: jiraId, lastActiveTimestamp: "abc 5" }] },
      products,
      observedAt
    )
    expect(result.activities).toEqual([])
    expect(result.rejected.map((rejected) => rejected.reason)).toEqual(["last active is not a date: abc 5"])
  })
})

describe("identifiers are checked before they can reach a path", () => {
  it.each([
    ["..", "is a dot segment (..) and cannot name a resource in a path"],
    [".", "is a dot segment (.) and cannot name a resource in a path"],
    ["a\nb", "contains control characters"],
    ["", "is empty"]
  ])("refuses %j", (id, problem) => {
    expect(identifierProblem(id)).toBe(problem)
  })

  it("accepts the ids Atlassian hands out, slashes and colons included (they are encoded)", () => {
    for (const id of [
      "557058:1368c49b-0f7a-4c1e-9d2a-8c1f1f0c2b11",
      "5b86be50b8e3cb5895860d6d",
      "a/b",
      "..."
    ])
      expect(identifierProblem(id)).toBeUndefined()
  })

  it("quarantines a user or a group whose id is a dot segment", () => {
    expect(reasonOf(orgUserFromDirectoryUser({ ...user, accountId: ".." }))).toBe(
      "accountId is a dot segment (..) and cannot name a resource in a path"
    )
    const group = orgGroupFromDirectoryGroup({ id: "..", name: "escape" })
    expect(reasonOf(group)).toBe("id is a dot segment (..) and cannot name a resource in a path")
    expect(Either.isLeft(group) && group.left.sourceKey).toBe("..")
  })
})

describe("rowsFromDirectoryUser: a user and what depends on it, decided together", () => {
  it("an accepted user brings its memberships and activity", () => {
    const rows = Either.getOrThrow(rowsFromDirectoryUser(Either.right(user), products, observedAt))
    expect(rows.user.accountId).toBe("acc-1")
    expect(rows.memberships.map((membership) => membership.groupId)).toEqual(["g-1", "g-2"])
    expect(rows.activities.map((activity) => activity.productId)).toEqual([jiraId])
  })

  it("a rejected user brings no membership and no activity", () => {
    const rejected = rowsFromDirectoryUser(
      Either.right({ ...user, addedToOrg: "abc 5" }),
      products,
      observedAt
    )
    expect(Either.isLeft(rejected)).toBe(true)
    // The Left carries only the rejection: there are no rows to write for this account.
    expect(Either.isLeft(rejected) && rejected.left.entity).toBe("org_user")
  })

  it("an undecodable record is quarantined with its path, its key and the record as received", () => {
    const record = { ...user, accountId: 12345 }
    const result = rowsFromDirectoryUser(
      Either.left(
        new InvalidRecord({
          endpoint: "POST /v2/orgs/{orgId}/directories/{directoryId}/users/search",
          path: "accountId",
          detail: "Expected string, actual 12345",
          record
        })
      ),
      products,
      observedAt
    )
    expect(Either.isLeft(result) && result.left).toMatchObject({
      entity: "org_user",
      sourceKey: "12345",
      reason: "accountId: Expected string, actual 12345",
      record
    })
  })
})

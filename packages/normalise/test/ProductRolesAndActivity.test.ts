import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  activityFromDirectoryUser,
  activityFromLastActiveDates,
  activityFromManagedAccount,
  makeProductIndex,
  membershipsFromDirectoryUser,
  orgGroupFromDirectoryGroup,
  productFromWorkspace,
  productRolesFromUserRoleAssignments
} from "../src/index.js"

const cloud = "c0ffee00-0000-4000-8000-000000000001"
const jiraId = `ari:cloud:jira-software::site/${cloud}`
const wikiId = `ari:cloud:confluence::site/${cloud}`
const index = makeProductIndex([
  Either.getOrThrow(
    productFromWorkspace({
      id: jiraId,
      attributes: { typeKey: "jira-software", hostUrl: "https://acme.atlassian.net" }
    })
  ),
  Either.getOrThrow(
    productFromWorkspace({
      id: wikiId,
      attributes: { typeKey: "confluence", hostUrl: "https://acme.atlassian.net" }
    })
  )
])
const observedAt = new Date("2026-11-28T00:00:00Z")

describe("productRolesFromUserRoleAssignments", () => {
  it("one role per product × role, billable per the table, grants merged and sorted", () => {
    const { roles, rejected } = productRolesFromUserRoleAssignments(
      "acc-1",
      [
        {
          resourceId: jiraId,
          roleAssignments: [{ role: "atlassian/user", roleAssignmentMethods: ["group_direct", "direct"] }]
        },
        {
          resourceId: jiraId,
          roleAssignments: [{ role: "atlassian/user", roleAssignmentMethods: ["inferred"] }]
        },
        { resourceId: wikiId, roles: ["atlassian/guest"] },
        {
          resourceId: "ari:cloud:bitbucket::workspace/elsewhere",
          roleAssignments: [{ role: "atlassian/user" }]
        }
      ],
      index
    )
    expect(roles.map((r) => ({ ...r }))).toEqual([
      {
        accountId: "acc-1",
        productId: jiraId,
        roleId: "atlassian/user",
        billable: true,
        grantedVia: ["direct", "group", "inferred"]
      },
      { accountId: "acc-1", productId: wikiId, roleId: "atlassian/guest", billable: false, grantedVia: [] }
    ])
    expect(rejected.map((r) => r.reason)).toEqual([
      "resource ari:cloud:bitbucket::workspace/elsewhere is not a product of the organisation"
    ])
  })
})

describe("activity", () => {
  it("bulk expand: a product without a timestamp is never active", () => {
    const { activities } = activityFromDirectoryUser(
      {
        accountId: "acc-1",
        productAccess: [
          { id: jiraId, key: "jira-software", lastActiveTimestamp: "2026-11-01T10:00:00Z" },
          { id: wikiId, key: "confluence" }
        ]
      },
      index,
      observedAt
    )
    expect(activities.map((a) => [a.productId, a.lastActiveAt?.toISOString() ?? null, a.source])).toEqual([
      [jiraId, "2026-11-01T10:00:00.000Z", "bulk_expand"],
      [wikiId, null, "bulk_expand"]
    ])
  })

  it("per user: held products missing from the answer are never active; unreadable dates are rejected", () => {
    const { activities, rejected } = activityFromLastActiveDates(
      "acc-2",
      {
        product_access: [
          { id: jiraId, key: "jira-software", last_active: "2026-10-01" },
          { id: wikiId, key: "confluence", last_active: "soon" }
        ]
      },
      index,
      observedAt,
      [jiraId, wikiId]
    )
    expect(activities.map((a) => [a.productId, a.lastActiveAt?.toISOString() ?? null])).toEqual([
      [jiraId, "2026-10-01T00:00:00.000Z"],
      [wikiId, null]
    ])
    expect(rejected.map((r) => r.reason)).toEqual(["last active is not a date: soon"])
  })

  it("v1 managed: products resolved by key and site url", () => {
    const { activities } = activityFromManagedAccount(
      {
        account_id: "acc-3",
        account_type: "atlassian",
        account_status: "active",
        name: "C",
        picture: "p",
        product_access: [
          {
            key: "confluence",
            name: "Confluence",
            url: "acme.atlassian.net",
            last_active: "2026-09-09T09:09:09Z"
          }
        ]
      },
      index,
      observedAt
    )
    expect(activities.map((a) => [a.productId, a.source])).toEqual([[wikiId, "v1_managed"]])
  })
})

describe("groups and memberships", () => {
  it("normalises groups and reads memberships from the groups expand", () => {
    expect(
      Either.getOrThrow(orgGroupFromDirectoryGroup({ id: "g1", name: " devs ", externalSynced: true })).name
    ).toBe("devs")
    expect(Either.isLeft(orgGroupFromDirectoryGroup({ name: "nameless" }))).toBe(true)
    expect(
      membershipsFromDirectoryUser({
        accountId: "a",
        groups: [{ id: "g2" }, { id: "g1" }, { id: "g1" }, { name: "x" }]
      }).map((m) => m.groupId)
    ).toEqual(["g1", "g2"])
  })
})

/**
 * Test data: canonical users and connections with sensible defaults.
 */
import { OrgUser } from "@seatsync/normalise"
import { Effect } from "effect"
import * as Connections from "../src/Connections.js"

type OrgUserFields = ConstructorParameters<typeof OrgUser>[0]

export const makeUser = (accountId: string, overrides: Partial<OrgUserFields> = {}): OrgUser =>
  new OrgUser({
    accountId,
    accountType: "atlassian",
    name: `User ${accountId}`,
    nickname: null,
    email: `${accountId}@example.com`,
    emailDomain: "example.com",
    status: "active",
    accountStatus: "active",
    membershipStatus: "active",
    claimStatus: "managed",
    managementSource: null,
    mfaEnabled: true,
    addedToOrg: new Date("2024-01-02T03:04:05.678Z"),
    jobTitle: null,
    department: null,
    timeZone: "Europe/London",
    platformRoles: [],
    ...overrides
  })

export const makeUsers = (count: number, prefix = "acc"): ReadonlyArray<OrgUser> =>
  Array.from({ length: count }, (_, i) => makeUser(`${prefix}-${String(i).padStart(6, "0")}`))

let counter = 0

/** A new connection with a unique name. */
export const makeConnection = (label = "org") =>
  Effect.suspend(() => {
    counter += 1
    return Connections.upsert({
      name: `${label}-${counter}-${Date.now() % 100000}`,
      orgId: `org-${label}-${counter}`
    })
  })

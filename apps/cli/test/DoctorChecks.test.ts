import { describe, expect, it } from "@effect/vitest"
import {
  defaultPacing,
  type ManagedAccount,
  type PacingOptions,
  type Workspace
} from "@seatsync/atlassian-client"
import { KeyExpiry } from "@seatsync/store"
import { type OrgSize, planSync } from "@seatsync/sync"
import { Either, Option } from "effect"
import { anyFailed, type Check, renderText } from "../src/doctor/Check.js"
import { connectionSection } from "../src/doctor/ConnectionChecks.js"
import { databaseCheck, encryptionKeyCheck } from "../src/doctor/DatabaseChecks.js"
import type { ApiProbes, Observations, ProbeError, Subject } from "../src/doctor/Observations.js"

const cloudId = "1c1e8d58-0000-4000-8000-000000000001"

const subject: Subject = {
  name: "acme",
  orgId: "8f2c6a0e-1b3d-4c5e-9f70-112233445566",
  guard: "enabled",
  siteUrl: "https://acme.atlassian.net",
  schedule: "0 2 * * *",
  timeZone: "UTC",
  pausedAt: null,
  pausedReason: null,
  consecutiveFailures: 0,
  keyExpiry: KeyExpiry.state("2027-06-30", new Date("2026-11-29T10:00:00Z")),
  registered: true,
  demo: false
}

const managed = (billable: boolean): ManagedAccount => ({
  account_id: "557058:1",
  account_type: "atlassian",
  account_status: "active",
  name: "Ada",
  picture: "https://example.invalid/a.png",
  email: "ada@acme.example",
  access_billable: billable
})

const jira: Workspace = {
  id: `ari:cloud:jira-software::site/${cloudId}`,
  attributes: { typeKey: "jira-software" }
}

const api: ApiProbes = {
  directories: Either.right([{ directoryId: "d1", name: "Acme" }]),
  users: Either.right(Option.some("557058:1")),
  groups: Either.right(Option.some("g1")),
  groupRoles: Either.right(undefined),
  workspaces: Either.right([jira]),
  lastActive: Either.right(undefined),
  managedAccounts: Either.right([managed(true)])
}

const healthy: Observations = {
  subject,
  key: Either.right({ kind: "stored" }),
  org: Either.right({
    id: subject.orgId,
    type: "orgs",
    attributes: { name: "Acme" },
    relationships: {},
    links: {}
  }),
  api,
  cloudId: Option.some(Either.right(cloudId)),
  jira: Option.none(),
  lastRun: Option.some({
    id: 7,
    status: "succeeded",
    startedAt: new Date("2026-11-28T02:00:00Z"),
    finishedAt: new Date("2026-11-28T02:01:00Z"),
    errorMessage: undefined
  })
}

const error = (tag: string, message = `${tag} happened`): ProbeError => ({ _tag: tag, message })

const check = (observations: Observations, name: string): Check => {
  const found = connectionSection(observations).checks.find((candidate) => candidate.name === name)
  if (found === undefined) throw new Error(`no ${name} check`)
  return found
}

describe("doctor's judgement of a connection", () => {
  it("passes every check of a healthy connection", () => {
    const section = connectionSection(healthy)
    expect(section.checks.map((c) => [c.name, c.status])).toEqual([
      ["API key", "pass"],
      ["key expiry", "pass"],
      ["key valid", "pass"],
      ["org reachable", "pass"],
      ["key rights", "pass"],
      ["v2 directory API", "pass"],
      ["managed accounts", "pass"],
      ["Guard", "pass"],
      ["site → cloudId", "pass"],
      ["Jira credentials", "pass"],
      ["last run", "pass"],
      ["schedule", "pass"]
    ])
    expect(anyFailed([section])).toBe(false)
  })

  it("says a wrong org id, and skips what needs the org", () => {
    const observations = { ...healthy, org: Either.left(error("OrgNotFound")), api: undefined }
    expect(check(observations, "key valid").status).toBe("pass")
    const org = check(observations, "org reachable")
    expect(org.status).toBe("fail")
    expect(org.fix).toContain("seatsync connect acme --update --org-id <orgId>")
    expect(check(observations, "key rights").status).toBe("skip")
  })

  it("names the missing scopes of a scoped key, and an unscoped key for endpoints without one", () => {
    const observations = {
      ...healthy,
      api: {
        ...api,
        workspaces: Either.left(error("Forbidden")),
        groups: Either.left(error("Forbidden"))
      }
    }
    const rights = check(observations, "key rights")
    expect(rights.status).toBe("fail")
    expect(rights.detail).toBe(
      "403 on groups search, workspaces: a scoped key lacking read:workspaces:admin, the rights only an unscoped key has"
    )
    expect(rights.fix).toContain("Create an API key without scopes")
  })

  it("observes Guard only from Guard-billable managed accounts, and says unknown otherwise", () => {
    const noneBillable = { ...healthy, api: { ...api, managedAccounts: Either.right([managed(false)]) } }
    expect(check(noneBillable, "Guard")).toMatchObject({ status: "warn" })
    expect(check(noneBillable, "Guard").detail).toMatch(/^unknown: /)
    const configuredOff = { ...healthy, subject: { ...subject, guard: "disabled" as const } }
    expect(check(configuredOff, "Guard")).toMatchObject({
      status: "fail",
      fix: "`seatsync connect acme --update --guard enabled`"
    })
    const configuredUnknown = { ...healthy, subject: { ...subject, guard: "unknown" as const } }
    expect(check(configuredUnknown, "Guard").status).toBe("warn")
  })

  it("fails a site whose cloudId none of the organisation's products is on", () => {
    const observations = { ...healthy, cloudId: Option.some(Either.right("another-cloud-id")) }
    const site = check(observations, "site → cloudId")
    expect(site.status).toBe("fail")
    expect(site.detail).toContain("the site belongs to another organisation")
  })

  it("fails a failed last run and a paused connection, with the resume fix", () => {
    const observations: Observations = {
      ...healthy,
      subject: {
        ...subject,
        pausedAt: new Date("2026-11-28T02:05:00Z"),
        pausedReason: "The Atlassian API key was rejected (401)",
        consecutiveFailures: 3
      },
      lastRun: Option.some({
        id: 9,
        status: "failed",
        startedAt: new Date("2026-11-28T02:00:00Z"),
        finishedAt: new Date("2026-11-28T02:00:03Z"),
        errorMessage: "Atlassian rejected the API key (401)"
      })
    }
    expect(check(observations, "last run")).toMatchObject({ status: "fail" })
    const schedule = check(observations, "schedule")
    expect(schedule.status).toBe("fail")
    expect(schedule.detail).toBe(
      "PAUSED since 2026-11-28T02:05:00.000Z after 3 failed runs: The Atlassian API key was rejected (401)"
    )
    expect(schedule.fix).toBe("Fix the cause, then `seatsync connect acme --resume`")
    expect(renderText([connectionSection(observations)])).toContain(
      "      fix: Fix the cause, then `seatsync connect acme --resume`"
    )
  })

  it("warns from 30 days before the key's recorded expiry, fails from the day itself, asks for a date never given", () => {
    const on = (expiresOn: string | null, now: string) =>
      check(
        { ...healthy, subject: { ...subject, keyExpiry: KeyExpiry.state(expiresOn, new Date(now)) } },
        "key expiry"
      )
    expect(on("2027-06-30", "2026-11-29T10:00:00Z")).toMatchObject({
      status: "pass",
      detail: "2027-06-30, in 213 days"
    })
    expect(on("2026-12-29", "2026-11-28T23:59:00Z")).toMatchObject({
      status: "pass",
      detail: "2026-12-29, in 31 days"
    })
    const soon = on("2026-12-29", "2026-11-29T00:00:00Z")
    expect(soon).toMatchObject({
      status: "warn",
      detail: "2026-12-29, in 30 days: the syncs stop working that day"
    })
    expect(soon.fix).toContain("seatsync connect acme --update --api-key-stdin --key-expires YYYY-MM-DD")
    expect(on("2026-11-29", "2026-11-29T08:00:00Z")).toMatchObject({
      status: "fail",
      detail: "expired on 2026-11-29 (today)"
    })
    const expired = on("2026-11-01", "2026-11-29T08:00:00Z")
    expect(expired).toMatchObject({ status: "fail", detail: "expired on 2026-11-01 (28 days ago)" })
    expect(expired.fix).toBe(
      "Replace it: create a new key under Atlassian Administration → Settings → API keys (as an organisation admin, without scopes), then run `seatsync connect acme --update --api-key-stdin --key-expires YYYY-MM-DD` with the new key's expiry date"
    )
    const unknown = on(null, "2026-11-29T08:00:00Z")
    expect(unknown.status).toBe("warn")
    expect(unknown.fix).toBe(
      "Record the date Atlassian showed when the key was created: `seatsync connect acme --update --key-expires YYYY-MM-DD`"
    )
  })

  it("fails Jira credentials the site rejects, with the command to store new ones", () => {
    const observations = {
      ...healthy,
      jira: Option.some({ email: "jira@acme.example", roles: Either.left(error("JiraCredentialsRejected")) })
    }
    expect(check(observations, "Jira credentials")).toMatchObject({
      status: "fail",
      fix: "Store a current API token of a Jira administrator: `seatsync connect acme --update --jira-email jira@acme.example --jira-token-env VAR`"
    })
  })
})

describe("doctor's sync estimate", () => {
  const size: OrgSize = {
    users: 5_000,
    groups: 250,
    directories: 3,
    workspaces: 20,
    products: 20,
    roleHolders: { _tag: "Estimated", total: 34_000, basis: "previous run" }
  }
  const estimated = (pacing: PacingOptions): Observations => ({
    ...healthy,
    estimate: Either.right({ size, plan: planSync(size, pacing), previousCalls: Option.some(790) })
  })

  it("gives the calls and the least wall time at the pacing in force, on what it rests, and the exact command", () => {
    const line = check(estimated(defaultPacing), "sync estimate")
    expect(line.status).toBe("pass")
    const plan = planSync(size, defaultPacing)
    expect(line.detail).toContain(`~${plan.totalCalls} API calls for 5000 users, 250 groups, 20 products`)
    // (calls − the burst of 10) at 3 calls/s
    expect(line.detail).toContain(
      `at least 4 min ${Math.ceil((plan.totalCalls - 10) / 3) - 240} s at 3 calls/s`
    )
    expect(line.detail).toContain("role holders from the last run; the last full run made 790")
    expect(line.detail).toContain("`seatsync sync acme --plan`")
  })

  it("warns, without failing the doctor, when the counts cannot be read", () => {
    const line = check(
      { ...healthy, estimate: Either.left(error("RateLimited", "rate limited")) },
      "sync estimate"
    )
    expect(line.status).toBe("warn")
    expect(line.detail).toContain("rate limited")
  })

  it("is not shown when the API was not probed", () => {
    expect(connectionSection(healthy).checks.map((c) => c.name)).not.toContain("sync estimate")
  })
})

describe("doctor's judgement of the database", () => {
  it("fails a database migrated by a newer seatsync and passes a current one", () => {
    expect(
      databaseCheck("db", Either.right({ applied: ["0001_initial"], pending: [], unknown: ["0009_future"] }))
        .status
    ).toBe("fail")
    expect(
      databaseCheck("db", Either.right({ applied: ["0001_initial"], pending: [], unknown: [] })).status
    ).toBe("pass")
    expect(databaseCheck("db", Either.left(error("DatabaseUnavailable"))).status).toBe("fail")
  })

  it("requires the encryption key only when connections have stored keys", () => {
    expect(encryptionKeyCheck(Either.right(Option.none()), []).status).toBe("pass")
    expect(encryptionKeyCheck(Either.right(Option.none()), ["acme"]).status).toBe("fail")
    expect(encryptionKeyCheck(Either.left(error("EncryptionKeyInvalid")), []).status).toBe("fail")
  })
})

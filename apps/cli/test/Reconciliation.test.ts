import { describe, expect, it } from "@effect/vitest"
import type { ConnectionId, RunId, SyncRuns } from "@seatsync/store"
import { RepeatedRecords, type SyncSummary } from "@seatsync/sync"
import { Either, Option } from "effect"
import { connectionSection } from "../src/doctor/ConnectionChecks.js"
import type { Observations } from "../src/doctor/Observations.js"
import { reportFor } from "../src/ErrorReport.js"
import { expectedVsStored, keptText } from "../src/report/reports/RunsReport.js"
import { renderSummary } from "../src/sync/SyncReport.js"

const agreeing: SyncRuns.Reconciliation = {
  entities: {
    org_user: {
      expectedBefore: 250,
      expectedAfter: 250,
      listed: 250,
      stored: 250,
      tolerance: 0,
      drift: false
    },
    org_group: { expectedBefore: 40, expectedAfter: 41, listed: 41, stored: 41, tolerance: 2, drift: false }
  },
  directories: [{ directoryId: "d1", usersBefore: 250, usersAfter: 250 }],
  kept: []
}

const drifting: SyncRuns.Reconciliation = {
  ...agreeing,
  entities: {
    ...agreeing.entities,
    org_user: {
      expectedBefore: 2100,
      expectedAfter: 2100,
      listed: 2000,
      stored: 2000,
      tolerance: 0,
      drift: true
    }
  },
  kept: [
    { entity: "org_user", reason: "drift" },
    { entity: "group_membership", reason: "drift" }
  ]
}

const quarantining: SyncRuns.Reconciliation = {
  ...agreeing,
  kept: [
    { entity: "org_user", reason: "quarantine" },
    { entity: "product_role", reason: "quarantine" }
  ]
}

const counts = { staged: 0, inserted: 0, updated: 0, restored: 0, deleted: 0, unchanged: 0 }
const summaryWith = (reconciliation: SyncRuns.Reconciliation): SyncSummary => ({
  runId: 12 as RunId,
  connectionId: 1 as ConnectionId,
  orgId: "org-1",
  orgName: "Acme",
  startedAt: new Date("2026-01-01T00:00:00Z"),
  finishedAt: new Date("2026-01-01T00:00:02Z"),
  entities: {
    product: counts,
    org_user: { ...counts, staged: 2000 },
    org_group: counts,
    group_membership: counts,
    product_role: counts,
    product_activity: counts
  },
  quarantined: 0,
  reconciliation,
  ledgerRows: 0,
  api: { apiCalls: 3, retries: 0, rateLimited: 0, sleptMillis: 0 }
})

const observationsWith = (reconciliation: SyncRuns.Reconciliation | null): Observations => ({
  subject: {
    name: "acme",
    orgId: "8f2c6a0e-1b3d-4c5e-9f70-112233445566",
    guard: "unknown",
    siteUrl: null,
    schedule: "0 2 * * *",
    timeZone: "UTC",
    pausedAt: null,
    pausedReason: null,
    consecutiveFailures: 0,
    registered: true,
    demo: false
  },
  key: Either.right({ kind: "stored" }),
  org: undefined,
  api: undefined,
  cloudId: Option.none(),
  jira: Option.none(),
  lastRun: Option.some({
    id: 7,
    status: "succeeded",
    startedAt: new Date("2026-11-28T02:00:00Z"),
    finishedAt: new Date("2026-11-28T02:01:00Z"),
    errorMessage: undefined,
    reconciliation
  })
})

const reconciliationCheckOf = (reconciliation: SyncRuns.Reconciliation | null) =>
  connectionSection(observationsWith(reconciliation)).checks.find((check) => check.name === "reconciliation")

describe("expected vs stored, everywhere a run is shown", () => {
  it("the sync summary shows expected vs stored per counted entity", () => {
    const text = renderSummary(summaryWith(agreeing), "db")
    expect(text).toContain(
      "expected vs stored  users 250 expected, 250 listed, 250 stored (ok) · groups 40→41 expected, 41 listed, 41 stored (ok)"
    )
    expect(text).not.toContain("⚠")
  })

  it("the sync summary says when the run kept rows because of drift or quarantine", () => {
    const drift = renderSummary(summaryWith(drifting), "db")
    expect(drift).toContain("users 2100 expected, 2000 listed, 2000 stored (DRIFT)")
    expect(drift).toContain(
      "⚠ the listings disagree with the organisation's counts beyond the tolerance: users, memberships not seen this run were kept, not removed"
    )
    expect(renderSummary(summaryWith(quarantining), "db")).toContain(
      "⚠ records were quarantined: users, product roles not seen this run were kept, not removed"
    )
  })

  it("report runs shows expected/stored and what each run kept", () => {
    expect(expectedVsStored(agreeing)).toBe("users 250/250 · groups 41/41")
    expect(expectedVsStored(drifting)).toBe("users 2100/2000 DRIFT · groups 41/41")
    expect(keptText(drifting)).toBe("org_user (drift), group_membership (drift)")
    expect(expectedVsStored(null)).toBe("")
  })

  it("doctor passes an agreeing last run, warns about drift and about kept quarantined rows", () => {
    expect(reconciliationCheckOf(agreeing)).toMatchObject({
      status: "pass",
      detail: "users 250 expected / 250 listed / 250 stored, groups 41 expected / 41 listed / 41 stored"
    })
    const drift = reconciliationCheckOf(drifting)
    expect(drift?.status).toBe("warn")
    expect(drift?.detail).toBe(
      "DRIFT — users: the organisation counts 2100, run 7 listed 2000 (tolerance 0); rows not seen were kept, not removed"
    )
    expect(drift?.fix).toContain("seatsync sync acme")
    expect(reconciliationCheckOf(quarantining)?.status).toBe("warn")
    expect(reconciliationCheckOf(quarantining)?.detail).toContain("org_user, product_role were kept")
    expect(reconciliationCheckOf(null)).toBeUndefined()
  })

  it("a listing that repeats records is exit 7 with its sentence", () => {
    const report = reportFor(
      new RepeatedRecords({
        listing: "POST /v2/orgs/{orgId}/directories/{directoryId}/users/search",
        entity: "org_user",
        repeated: 100,
        key: "557058:1"
      })
    )
    expect(report.code).toBe(7)
    expect(report.sentence).toContain("users/search returned the same record twice in one run")
    expect(report.sentence).toContain("nothing was changed")
  })
})

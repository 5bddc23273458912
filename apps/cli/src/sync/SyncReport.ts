/** Renders a sync's progress as log lines and its summary as a short text block. */
import { describeRetryNotice } from "@seatsync/atlassian-client"
import type { ProgressEvent, SyncEntity, SyncSummary } from "@seatsync/sync"
import { Effect } from "effect"
import { waitedLabel } from "../progress/SyncProgressView.js"

const line = (text: string) => Effect.sync(() => process.stdout.write(`${text}\n`))

/** One plain line per event: readable on a terminal and in a log file alike. */
export const renderProgress = (event: ProgressEvent): Effect.Effect<void> => {
  switch (event._tag) {
    case "RunStarted":
      return line(
        `→ run #${event.runId} started for connection "${event.connectionName}" (org ${event.orgId})`
      )
    case "OrgVerified":
      return line(`→ organisation verified: ${event.orgName ?? "(unnamed)"}`)
    case "PageStaged": {
      const extras = [
        event.rejected > 0 ? `${event.rejected} rejected` : "",
        event.retries > 0 ? `${event.retries} retries` : "",
        event.rateLimited > 0 ? `${event.rateLimited} rate-limited` : ""
      ].filter((part) => part !== "")
      return line(
        `  ${event.source}: page ${event.pages}, ${event.records} records${extras.length > 0 ? ` (${extras.join(", ")})` : ""}`
      )
    }
    case "ApiStats":
      // Counters without a page of their own: the plain lines already carry retries and 429s per page.
      return Effect.void
    case "Retrying":
      // Never a silent retry: what failed, where, attempt N of M and the wait.
      return line(`  ↻ ${describeRetryNotice(event.notice)}`)
    case "Merging":
      return line(
        `→ merging ${Object.values(event.staged).reduce((sum, n) => sum + (n ?? 0), 0)} staged records into the live tables`
      )
  }
}

const entityLabels: Readonly<Record<SyncEntity, string>> = {
  product: "products",
  org_user: "users",
  org_group: "groups",
  group_membership: "memberships",
  product_role: "product roles",
  product_activity: "activity"
}

const countedLabels: Readonly<Record<string, string>> = { org_user: "users", org_group: "groups" }

/**
 * "Expected vs stored" per counted entity (the organisation's count before → after the listings, what was
 * listed and stored), then one line per entity whose unseen rows the run kept, and why.
 */
const reconciliationLines = (summary: SyncSummary): ReadonlyArray<string> => {
  const { entities, kept } = summary.reconciliation
  const counted = Object.entries(entities).map(([entity, r]) => {
    const expected =
      r.expectedBefore === r.expectedAfter ? `${r.expectedBefore}` : `${r.expectedBefore}→${r.expectedAfter}`
    const verdict = r.drift ? "DRIFT" : "ok"
    return `${countedLabels[entity] ?? entity} ${expected} expected, ${r.listed} listed, ${r.stored} stored (${verdict})`
  })
  const lines = counted.length === 0 ? [] : [`  expected vs stored  ${counted.join(" · ")}`]
  for (const reason of ["drift", "quarantine"] as const) {
    const names = kept
      .filter((entry) => entry.reason === reason)
      .map((entry) => entityLabels[entry.entity as SyncEntity] ?? entry.entity)
    if (names.length === 0) continue
    lines.push(
      reason === "drift"
        ? `  ⚠ the listings disagree with the organisation's counts beyond the tolerance: ${names.join(", ")} not seen this run were kept, not removed`
        : `  ⚠ records were quarantined: ${names.join(", ")} not seen this run were kept, not removed`
    )
  }
  return lines
}

/** The closing summary: what changed per entity, what it cost, where the data is. */
export const renderSummary = (summary: SyncSummary, databaseLabel: string): string => {
  const seconds = ((summary.finishedAt.getTime() - summary.startedAt.getTime()) / 1000).toFixed(1)
  const header = ["", "fetched", "new", "changed", "restored", "unchanged", "removed"]
  const rows = (Object.keys(entityLabels) as ReadonlyArray<SyncEntity>).map((entity) => {
    const c = summary.entities[entity]
    return [entityLabels[entity], c.staged, c.inserted, c.updated, c.restored, c.unchanged, c.deleted].map(
      String
    )
  })
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => row[column]?.length ?? 0))
  )
  const format = (row: ReadonlyArray<string>) =>
    `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  ")}`
  return [
    `✓ run #${summary.runId} succeeded in ${seconds} s — ${summary.orgName ?? summary.orgId} → ${databaseLabel}`,
    format(header),
    ...rows.map(format),
    `  quarantined ${summary.quarantined} · seat-ledger rows ${summary.ledgerRows}`,
    ...reconciliationLines(summary),
    `  API         ${summary.api.apiCalls} calls · ${summary.api.retries} retries · ${summary.api.rateLimited} rate-limited · ${(summary.api.sleptMillis / 1000).toFixed(1)} s waited ${waitedLabel}`
  ].join("\n")
}

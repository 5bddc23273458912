/** Renders a sync's progress as log lines and its summary as a short text block. */
import type { ProgressEvent, SyncSummary } from "@seatsync/sync"
import { Effect } from "effect"

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
        `  ${event.entity}: page ${event.pages}, ${event.records} records${extras.length > 0 ? ` (${extras.join(", ")})` : ""}`
      )
    }
    case "Merging":
      return line(`→ merging ${event.entity} into the live tables`)
  }
}

/** The closing summary: what changed, what it cost, where the data is. */
export const renderSummary = (summary: SyncSummary, databaseLabel: string): string => {
  const u = summary.users
  const seconds = ((summary.finishedAt.getTime() - summary.startedAt.getTime()) / 1000).toFixed(1)
  const live = u.inserted + u.updated + u.restored + u.unchanged
  return [
    `✓ run #${summary.runId} succeeded in ${seconds} s — ${summary.orgName ?? summary.orgId} → ${databaseLabel}`,
    `  users       ${u.seen} fetched · ${u.inserted} new · ${u.updated} changed · ${u.restored} restored · ${u.unchanged} unchanged · ${u.deleted} removed · ${u.rejected} rejected`,
    `  live users  ${live}`,
    `  API         ${summary.api.apiCalls} calls · ${summary.api.retries} retries · ${summary.api.rateLimited} rate-limited · ${(summary.api.sleptMillis / 1000).toFixed(1)} s waited`
  ].join("\n")
}

/**
 * `seatsync sync --all`: what happened to each connection (synced, failed, skipped because paused), how
 * that reads as one line, as JSON, and which exit code the whole command ends with. Pure.
 */
import type { SyncSummary } from "@seatsync/sync"
import { ExitCodes } from "../ExitCode.js"

export type ConnectionOutcome =
  | { readonly _tag: "Succeeded"; readonly connection: string; readonly summary: SyncSummary }
  | {
      readonly _tag: "Failed"
      readonly connection: string
      /** The error's tag and own message (never a secret: errors carry none). */
      readonly error: { readonly tag: string; readonly message: string }
      /** What to do about it, the sentence a single sync prints. */
      readonly sentence: string
      readonly exitCode: number
    }
  | {
      readonly _tag: "Skipped"
      readonly connection: string
      readonly pausedAt: Date
      readonly reason: string | null
    }

/** 0 when nothing failed (skipped connections are not failures), else the code of the first failure. */
export const exitCodeOfAll = (outcomes: ReadonlyArray<ConnectionOutcome>): number => {
  for (const outcome of outcomes) if (outcome._tag === "Failed") return outcome.exitCode
  return ExitCodes.ok
}

/** The sentence saying a paused connection is skipped and how to resume it. */
export const skippedSentence = (connection: string, pausedAt: Date, reason: string | null): string =>
  `skipped ${connection}: paused since ${pausedAt.toISOString()}${reason === null ? "" : ` (${reason})`}; resume it with \`seatsync connect ${connection} --resume\``

/** One line per connection, for the end of the text output. */
export const outcomeLine = (outcome: ConnectionOutcome, nameWidth: number): string => {
  const name = outcome.connection.padEnd(nameWidth)
  switch (outcome._tag) {
    case "Succeeded": {
      const seconds = (outcome.summary.finishedAt.getTime() - outcome.summary.startedAt.getTime()) / 1000
      return `  ✓ ${name}  run #${outcome.summary.runId} succeeded in ${seconds.toFixed(1)} s`
    }
    case "Failed":
      return `  ✗ ${name}  failed (exit ${outcome.exitCode}): ${outcome.sentence}`
    case "Skipped":
      return `  – ${name}  skipped: paused since ${outcome.pausedAt.toISOString()}`
  }
}

/** The outcome as an element of the `--all --json` array. */
export const outcomeJson = (outcome: ConnectionOutcome): Record<string, unknown> => {
  switch (outcome._tag) {
    case "Succeeded":
      return { connection: outcome.connection, status: "succeeded", summary: outcome.summary }
    case "Failed":
      return {
        connection: outcome.connection,
        status: "failed",
        error: outcome.error,
        exitCode: outcome.exitCode
      }
    case "Skipped":
      return {
        connection: outcome.connection,
        status: "skipped",
        pausedAt: outcome.pausedAt.toISOString(),
        reason: outcome.reason
      }
  }
}

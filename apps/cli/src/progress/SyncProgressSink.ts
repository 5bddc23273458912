/**
 * Where a sync's progress goes: nowhere with --json (stdout carries the document), a live display on a
 * terminal's stderr, plain lines otherwise (a log file, a pipe, CI).
 */
import type { ProgressSink } from "@seatsync/sync"
import { Effect, type Scope } from "effect"
import { renderProgress } from "../sync/SyncReport.js"
import { isLiveTerminal, liveDisplay } from "./LiveDisplay.js"
import { initialSyncProgress, reduceSyncProgress } from "./SyncProgress.js"
import { renderSyncProgress } from "./SyncProgressView.js"

export const syncProgressSink = (
  connectionName: string,
  asJson: boolean
): Effect.Effect<ProgressSink, never, Scope.Scope> => {
  if (asJson) return Effect.succeed(() => Effect.void)
  if (!isLiveTerminal(process.stderr)) return Effect.succeed(renderProgress)
  return Effect.map(
    liveDisplay({
      initial: initialSyncProgress(connectionName),
      render: renderSyncProgress,
      output: process.stderr
    }),
    (display): ProgressSink =>
      (event) =>
        display.update((state) => reduceSyncProgress(state, event))
  )
}

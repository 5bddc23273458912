/**
 * `seatsync sync --all`: every registered connection in turn, skipping paused ones; a failing run (a
 * rejected key, a run of the same connection already in progress — `LockHeld` — …) is reported and the next
 * one runs. Ctrl-C stops the whole command.
 */
import { Connections } from "@seatsync/store"
import { ConnectionRunner, type SyncScope } from "@seatsync/sync"
import { Cause, Console, Effect, Exit, Option } from "effect"
import { reportFor } from "../ErrorReport.js"
import { ExitCodes } from "../ExitCode.js"
import { syncProgressSink } from "../progress/SyncProgressSink.js"
import {
  type ConnectionOutcome,
  exitCodeOfAll,
  outcomeJson,
  outcomeLine,
  skippedSentence
} from "./SyncOutcome.js"
import { renderSummary } from "./SyncReport.js"

export interface SyncAllOptions {
  readonly force: boolean
  readonly only: ReadonlyArray<SyncScope> | undefined
  readonly json: boolean
}

/** The outcome of a failed run: its sentence and exit code as a single sync would report them. */
const failedOutcome = (connection: string, cause: Cause.Cause<unknown>): ConnectionOutcome => {
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure)) {
    return {
      _tag: "Failed",
      connection,
      error: { tag: "Defect", message: Cause.pretty(cause) },
      sentence: `Unexpected failure: ${Cause.pretty(cause)}`,
      exitCode: ExitCodes.unexpected
    }
  }
  const error = failure.value
  const report = reportFor(error)
  const tag =
    typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
      ? error._tag
      : "Unknown"
  return {
    _tag: "Failed",
    connection,
    error: { tag, message: error instanceof Error ? error.message : String(error) },
    sentence: report.sentence,
    exitCode: report.code
  }
}

/** The text after every run: each success's summary, then one line per connection. */
const renderAll = (outcomes: ReadonlyArray<ConnectionOutcome>, databaseLabel: string): string => {
  const summaries = outcomes.flatMap((outcome) =>
    outcome._tag === "Succeeded"
      ? [`${outcome.connection}:\n${renderSummary(outcome.summary, databaseLabel)}`]
      : []
  )
  const width = Math.max(...outcomes.map((outcome) => outcome.connection.length))
  return [
    "",
    ...summaries,
    [
      `${outcomes.length} ${outcomes.length === 1 ? "connection" : "connections"}:`,
      ...outcomes.map((outcome) => outcomeLine(outcome, width))
    ].join("\n")
  ].join("\n\n")
}

/** Runs every connection and prints the outcomes. Returns the exit code: 0, else the first failure's. */
export const syncAll = (options: SyncAllOptions, databaseLabel: string) =>
  Effect.gen(function* () {
    const runner = yield* ConnectionRunner.ConnectionRunner
    const connections = yield* Connections.list
    const outcomes: Array<ConnectionOutcome> = []
    const say = (text: string) => (options.json ? Effect.void : Console.log(text))
    if (connections.length === 0) {
      yield* options.json
        ? Console.log("[]")
        : Console.log("No connections are registered yet; add one with `seatsync connect <name> --org-id …`.")
      return ExitCodes.ok
    }
    for (const [index, connection] of connections.entries()) {
      if (connection.pausedAt !== null) {
        yield* say(`– ${skippedSentence(connection.name, connection.pausedAt, connection.pausedReason)}`)
        outcomes.push({
          _tag: "Skipped",
          connection: connection.name,
          pausedAt: connection.pausedAt,
          reason: connection.pausedReason
        })
        continue
      }
      yield* say(`── ${connection.name} (${index + 1} of ${connections.length}) ──`)
      const exit = yield* Effect.exit(
        Effect.scoped(
          Effect.flatMap(syncProgressSink(connection.name, options.json), (onProgress) =>
            runner.sync(connection, {
              trigger: "cli",
              force: options.force,
              only: options.only,
              onProgress
            })
          )
        )
      )
      if (Exit.isSuccess(exit)) {
        outcomes.push({ _tag: "Succeeded", connection: connection.name, summary: exit.value })
        continue
      }
      // Ctrl-C ends the whole command (exit 130) once the interrupted run is recorded.
      if (Cause.isInterruptedOnly(exit.cause))
        return yield* Effect.failCause(exit.cause as Cause.Cause<never>)
      const outcome = failedOutcome(connection.name, exit.cause)
      if (outcome._tag === "Failed" && !options.json) {
        yield* Effect.sync(() => process.stderr.write(`seatsync: ${connection.name}: ${outcome.sentence}\n`))
      }
      outcomes.push(outcome)
    }
    yield* options.json
      ? Console.log(JSON.stringify(outcomes.map(outcomeJson)))
      : Console.log(renderAll(outcomes, databaseLabel))
    return exitCodeOfAll(outcomes)
  })

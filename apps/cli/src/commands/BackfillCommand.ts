/**
 * `seatsync backfill last-active <connection>`: the budgeted per-user last-active backfill with a progress
 * bar and an ETA on a terminal (a plain line per merged chunk otherwise); Ctrl-C stops after recording the
 * chunk in progress as interrupted, and `--resume` continues with what was left of the budget.
 */
import { Args, Command, Options } from "@effect/cli"
import { describeRetryNotice } from "@seatsync/atlassian-client"
import { ConnectionRunner } from "@seatsync/sync"
import { Clock, Console, Effect, Option } from "effect"
import { withErrorReport } from "../ErrorReport.js"
import {
  type BackfillProgressState,
  backfillFinished,
  chunkMerged,
  initialBackfillProgress,
  userAsked
} from "../progress/BackfillProgress.js"
import { renderBackfillLine, renderBackfillProgress } from "../progress/BackfillProgressView.js"
import { isLiveTerminal, liveDisplay } from "../progress/LiveDisplay.js"
import { runnerLayer } from "../Runner.js"

const connectionArg = Args.text({ name: "connection" }).pipe(Args.withDescription("A registered connection."))
const budget = Options.integer("budget").pipe(
  Options.withDefault(5000),
  Options.withDescription("At most this many last-active-dates calls (Atlassian allows 200 per minute).")
)
const resume = Options.boolean("resume").pipe(
  Options.withDescription("Continue the previous, interrupted backfill with the budget it had left.")
)
const apiKeyEnv = Options.text("api-key-env").pipe(
  Options.optional,
  Options.withDescription("Read the API key from this variable instead of the stored one.")
)

const lastActive = Command.make(
  "last-active",
  { connection: connectionArg, budget, resume, apiKeyEnv },
  (args) =>
    Effect.gen(function* () {
      const runner = yield* ConnectionRunner.ConnectionRunner
      const open: ConnectionRunner.OpenOptions = {
        trigger: "cli",
        apiKey: Option.match(args.apiKeyEnv, {
          onNone: () => ConnectionRunner.storedKey,
          onSome: (variable) => ({ _tag: "Environment", variable })
        })
      }
      const initial = initialBackfillProgress(
        args.connection,
        args.budget,
        runner.config.pacing.lastActivePerMinute
      )
      const summary = yield* Effect.scoped(
        Effect.gen(function* () {
          const session = yield* runner.open({ name: args.connection }, open)
          if (isLiveTerminal(process.stderr)) {
            // A terminal: a bar redrawn in place after every answered call.
            const display = yield* liveDisplay({
              initial,
              render: renderBackfillProgress,
              output: process.stderr
            })
            const done = yield* session.backfill({
              budget: args.budget,
              resume: args.resume,
              onUserAsked: (asked, remaining) =>
                display.update((state) => userAsked(state, asked, remaining)),
              onProgress: (done, remaining) => display.update((state) => chunkMerged(state, done, remaining)),
              onRetry: (notice) =>
                display.update((state) => ({ ...state, lastRetry: describeRetryNotice(notice) }))
            })
            // The last frame says it is over: full, done — not the budget still unused.
            yield* display.update((state) => backfillFinished(state, done.users, done.remainingBudget))
            return done
          }
          // Anything else (a log file, CI): one line per merged chunk.
          const started = yield* Clock.currentTimeMillis
          let state: BackfillProgressState = initial
          const done = yield* session.backfill({
            budget: args.budget,
            resume: args.resume,
            onProgress: (done, remaining) =>
              Effect.gen(function* () {
                state = chunkMerged(state, done, remaining)
                const elapsed = (yield* Clock.currentTimeMillis) - started
                yield* Console.log(renderBackfillLine(state, elapsed))
              }),
            onRetry: (notice) => Console.log(`  ↻ ${describeRetryNotice(notice)}`)
          })
          // A last line that says it is over, unless the last chunk's line already did (budget used up).
          if (state.remaining > 0 || state.merged !== done.users) {
            state = backfillFinished(state, done.users, done.remainingBudget)
            yield* Console.log(renderBackfillLine(state, (yield* Clock.currentTimeMillis) - started))
          }
          return done
        })
      )
      yield* Console.log(
        `✓ asked about ${summary.users} users (${args.resume ? "resumed" : `budget ${args.budget}`}): ${summary.activityChanged} activity rows new or changed, ${summary.notFound} no longer in Atlassian; ` +
          (summary.complete
            ? "every user's activity is now fresh."
            : `${summary.remainingBudget} calls of budget left; more users are stale — run again (or with --resume).`)
      )
    }).pipe(Effect.provide(runnerLayer), withErrorReport)
).pipe(
  Command.withDescription(
    "Fill in per-user last-active dates (most stale first) at Atlassian's 200 calls per minute, merged every " +
      "200 users. On a terminal a progress bar shows the calls made, the users merged and an ETA; otherwise one " +
      "line per merged chunk. Ctrl-C stops after recording the chunk in progress as interrupted (exit 130); " +
      "--resume continues with the budget that was left.\n\n" +
      "Examples:\n" +
      "  seatsync backfill last-active acme                 (up to 5000 calls: 25 minutes)\n" +
      "  seatsync backfill last-active acme --budget 600    (three minutes' worth)\n" +
      "  seatsync backfill last-active acme --resume        (after Ctrl-C: the rest of that budget)"
  )
)

export const backfillCommand = Command.make("backfill").pipe(
  Command.withDescription(
    "Budgeted, resumable backfills.\n\n" +
      "Examples:\n" +
      "  seatsync backfill last-active acme --budget 5000\n" +
      "  seatsync backfill last-active acme --resume"
  ),
  Command.withSubcommands([lastActive])
)

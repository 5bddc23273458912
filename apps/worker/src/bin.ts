#!/usr/bin/env node
/**
 * Entry point of `seatsync-worker`. Without arguments it runs until SIGTERM/SIGINT (then drains and exits 0);
 * `--once` runs what is due now and exits 0 when all of it succeeded, 1 when a slot failed. A configuration or
 * start-up error exits 2 with one sentence saying what to fix.
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Database } from "@seatsync/store"
import { ConnectionRunner } from "@seatsync/sync"
import { Cause, Data, Duration, Effect, Exit, Layer, Logger, Option } from "effect"
import * as Boss from "./Boss.js"
import * as JobLiveness from "./JobLiveness.js"
import * as OpsServer from "./ops/OpsServer.js"
import * as Lifecycle from "./ops/WorkerLifecycle.js"
import { asksForHelp, usage } from "./Usage.js"
import { runOnce, runService } from "./Worker.js"
import { describeConfigError, WorkerConfig } from "./WorkerConfig.js"

/** Exit codes, documented in the README. */
export const ExitCodes = { ok: 0, slotFailed: 1, startup: 2 } as const

class Exiting extends Data.TaggedError("Exiting")<{ readonly code: number }> {}

const once = process.argv.includes("--once")

const main = Effect.gen(function* () {
  const config = yield* WorkerConfig.pipe(
    Effect.tapError((error) =>
      Effect.logError(
        `The worker's configuration is invalid (${describeConfigError(error)}); fix the variable named and start it again`
      )
    ),
    Effect.mapError(() => new Exiting({ code: ExitCodes.startup }))
  )
  // One lifecycle per process, shared by the job handlers (jobs in flight, draining) and the operations
  // server (`/readyz`, `/metrics`), which serves until the drain has finished. `--once` serves no HTTP.
  const services = Layer.mergeAll(
    Boss.layer({ schema: config.bossSchema, cron: !once, stopTimeout: Duration.seconds(10) }),
    JobLiveness.layer,
    ConnectionRunner.layer(config.runner).pipe(Layer.provide(FetchHttpClient.layer)),
    once ? Layer.empty : OpsServer.layer
  ).pipe(Layer.provideMerge(Lifecycle.layer), Layer.provideMerge(Database.layer))
  const program = once
    ? Effect.flatMap(
        Effect.flatMap(Lifecycle.WorkerLifecycle, (lifecycle) => runOnce(config, lifecycle)),
        (result) =>
          Effect.gen(function* () {
            yield* Effect.logInfo("--once finished").pipe(
              Effect.annotateLogs({
                due: result.due.length,
                succeeded: result.succeeded,
                failed: result.failed.length
              })
            )
            for (const slot of result.failed) {
              yield* Effect.logError("slot did not succeed").pipe(
                Effect.annotateLogs({
                  connection: slot.connection,
                  slot: slot.slot.toISOString(),
                  jobId: slot.jobId
                })
              )
            }
            if (result.failed.length > 0)
              return yield* Effect.fail(new Exiting({ code: ExitCodes.slotFailed }))
          })
      )
    : Effect.flatMap(Lifecycle.WorkerLifecycle, (lifecycle) => runService(config, lifecycle))
  return yield* program.pipe(
    Effect.scoped,
    Effect.provide(services),
    Effect.catchAll((error) =>
      error instanceof Exiting
        ? Effect.fail(error)
        : Effect.logError(
            `seatsync-worker could not run: ${error instanceof Error ? error.message : String(error)}`
          ).pipe(Effect.zipRight(Effect.fail(new Exiting({ code: ExitCodes.startup }))))
    )
  )
})

const teardown = <E, A>(exit: Exit.Exit<E, A>, onExit: (code: number) => void) => {
  if (Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause)) return onExit(ExitCodes.ok)
  const failure = Cause.failureOption(exit.cause)
  onExit(
    Option.isSome(failure) && failure.value instanceof Exiting ? failure.value.code : ExitCodes.slotFailed
  )
}

if (asksForHelp(process.argv.slice(2))) {
  process.stdout.write(usage)
} else {
  main.pipe(
    Effect.provide(Logger.json),
    NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true, teardown })
  )
}

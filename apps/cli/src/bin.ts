#!/usr/bin/env node
/** Entry point of the `seatsync` binary. */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Logger } from "effect"
import { cli } from "./Cli.js"
import { teardown } from "./ExitCode.js"
import { withPlainConsole } from "./PlainConsole.js"

// Logs go to stderr so that stdout carries only what a command prints (e.g. `--json`).
const logger = Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true }))

const main: Effect.Effect<void, unknown> = cli(process.argv).pipe(
  withPlainConsole,
  Effect.provide(NodeContext.layer),
  Effect.provide(logger)
)

NodeRuntime.runMain(main, { disableErrorReporting: true, disablePrettyLogger: true, teardown })

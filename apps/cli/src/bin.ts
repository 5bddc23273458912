#!/usr/bin/env node
/** Entry point of the `seatsync` binary. */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { cli } from "./Cli.js"
import { teardown } from "./ExitCode.js"

const main: Effect.Effect<void, unknown> = cli(process.argv).pipe(Effect.provide(NodeContext.layer))

NodeRuntime.runMain(main, { disableErrorReporting: true, teardown })

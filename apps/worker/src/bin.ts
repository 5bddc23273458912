#!/usr/bin/env node
/** Entry point of `seatsync-worker`: `--once` runs one sync and exits; otherwise it runs until SIGTERM. */
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Logger } from "effect"
import { DatabaseLive, runForever, syncOnce } from "./Worker.js"

const once = process.argv.includes("--once")
const program = once ? Effect.asVoid(syncOnce) : Effect.asVoid(runForever)

program.pipe(Effect.provide(DatabaseLive), Effect.provide(Logger.json), NodeRuntime.runMain)

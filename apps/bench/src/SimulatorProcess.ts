/**
 * The simulator in a process of its own, so that the benchmark's memory figures are the sync's alone.
 * Prints `ready <adminBaseUrl> <orgId> <apiKey>` on one line, then serves until killed.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Console, Effect } from "effect"

const users = Number(process.argv[2] ?? "100000")

Effect.gen(function* () {
  const simulator = yield* Simulator.start({ users, seed: 42 })
  yield* Console.log(`ready ${simulator.adminBaseUrl} ${simulator.orgId} ${simulator.apiKey}`)
  return yield* Effect.never
}).pipe(Effect.scoped, NodeRuntime.runMain)

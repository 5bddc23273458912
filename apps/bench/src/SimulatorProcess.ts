/**
 * The simulator in a process of its own, so that the benchmark's memory figures are the sync's alone.
 * Arguments: users, groups, groups per user, products. Prints `ready <adminBaseUrl> <orgId> <apiKey>` on one
 * line, then serves until killed.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Console, Effect } from "effect"

const [users, groups, groupsPerUser, products] = [2, 3, 4, 5].map((index, i) =>
  Number(process.argv[index] ?? [100_000, 5_000, 10, 20][i])
)

Effect.gen(function* () {
  const simulator = yield* Simulator.start({ users, groups, groupsPerUser, products, seed: 42 })
  yield* Console.log(`ready ${simulator.adminBaseUrl} ${simulator.orgId} ${simulator.apiKey}`)
  return yield* Effect.never
}).pipe(Effect.scoped, NodeRuntime.runMain)

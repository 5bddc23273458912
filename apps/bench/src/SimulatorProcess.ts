/**
 * The simulator in a process of its own, so that the benchmark's memory figures are the sync's alone.
 * Arguments: users, groups, groups per user, products, and optionally latency (ms), an enforced rate limit
 * (requests) and its window (seconds). Prints `ready <adminBaseUrl> <orgId> <apiKey>` on one line, then
 * serves until killed. With a rate limit, the printed URL is a counting front (`WireCounter`) that forwards
 * to the simulator and answers `GET /bench/counts` with what the simulator sent.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Console, Effect } from "effect"
import { startWireCounter } from "./WireCounter.js"

const [users, groups, groupsPerUser, products, latencyMillis, limit, windowSeconds] = [
  2, 3, 4, 5, 6, 7, 8
].map((index, i) => Number(process.argv[index] ?? [100_000, 5_000, 10, 20, 0, 0, 60][i]))

Effect.gen(function* () {
  const rateLimited = limit !== undefined && limit > 0
  const simulator = yield* Simulator.start({
    users,
    groups,
    groupsPerUser,
    products,
    seed: 42,
    latencyMillis,
    ...(rateLimited ? { rateLimit: { limit, windowSeconds: windowSeconds ?? 60, enforce: true } } : {})
  })
  const adminBaseUrl = rateLimited
    ? `${yield* startWireCounter(simulator.baseUrl)}/admin`
    : simulator.adminBaseUrl
  yield* Console.log(`ready ${adminBaseUrl} ${simulator.orgId} ${simulator.apiKey}`)
  return yield* Effect.never
}).pipe(Effect.scoped, NodeRuntime.runMain)

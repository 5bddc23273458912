/**
 * The fleet benchmark's organisations in a process of their own: `count` simulated organisations of mixed
 * sizes (seeded, so every run serves the same fleet), each a simulator with its own enforced rate window, and
 * one front that serves them all on one admin base URL, routing every request by the API key it carries — as
 * Atlassian's one API serves every organisation. Prints `ready <adminBaseUrl>` and then one line per
 * organisation, `org <index> <orgId> <apiKey> <users>`, then `done`; serves until killed.
 *
 * Arguments: count, rate limit (requests per window) and window (seconds).
 */
import { createServer, request } from "node:http"
import { NodeRuntime } from "@effect/platform-node"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Console, Effect } from "effect"
import { fleetSizeOf } from "./FleetSizes.js"

const numberArg = (index: number, fallback: number) => Number(process.argv[index] ?? fallback)
const count = numberArg(2, 1000)
const limit = numberArg(3, 120)
const windowSeconds = numberArg(4, 10)

Effect.gen(function* () {
  const organisations = yield* Effect.forEach(
    Array.from({ length: count }, (_, i) => i),
    (i) => {
      const size = fleetSizeOf(i)
      return Effect.map(
        Simulator.start({
          seed: 1000 + i,
          users: size.users,
          groups: size.groups,
          groupsPerUser: 2,
          products: size.products,
          apiKey: `fleet-key-${i}`,
          rateLimit: { limit, windowSeconds, enforce: true },
          lastActiveRateLimit: false
        }),
        (simulator) => ({ i, simulator, users: size.users })
      )
    }
  )
  const byKey = new Map(organisations.map(({ simulator }) => [simulator.apiKey, new URL(simulator.baseUrl)]))
  const front = createServer((req, res) => {
    const target = byKey.get((req.headers.authorization ?? "").replace(/^Bearer /, ""))
    if (target === undefined) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"message":"unknown key"}')
      return
    }
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    forward.on("error", () => res.writeHead(502).end())
    req.pipe(forward)
  })
  const port = yield* Effect.async<number>((resume) => {
    front.listen(0, "127.0.0.1", () => {
      const address = front.address()
      resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : 0))
    })
  })
  yield* Console.log(`ready http://127.0.0.1:${port}/admin`)
  for (const { i, simulator, users } of organisations) {
    yield* Console.log(`org ${i} ${simulator.orgId} ${simulator.apiKey} ${users}`)
  }
  yield* Console.log("done")
  return yield* Effect.never
}).pipe(Effect.scoped, NodeRuntime.runMain)

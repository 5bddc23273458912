/**
 * The latency/rate-limit scenario of `npm run bench -- --scenario rate-limit` (docs/architecture.md §6: wall
 * time within 15 % of the minimum the rate limit allows, with no 429 beyond the first that reveals it). A
 * mid-size organisation is served by the simulator in its own process with a fixed latency on every response
 * and an enforced server-side limit on `/admin` requests (429 + `Retry-After` beyond it, `X-RateLimit-Limit`,
 * `-Remaining` and `-Reset` on every answer, as admin-api.md §8 documents); the client is configured as an
 * operator's would be (`pacingFromEnv`: the default pacing unless `SEATSYNC_*` variables say otherwise). The
 * figures replace the scenario's own section of docs/benchmarks.md.
 */
import os from "node:os"
import { FetchHttpClient } from "@effect/platform"
import { AtlassianClient, defaultPacing, pacingFromEnv } from "@seatsync/atlassian-client"
import { Connections, Database } from "@seatsync/store"
import { type ProgressEvent, runSync } from "@seatsync/sync"
import { Console, Data, Duration, Effect, Equal, Layer, Redacted, Schema } from "effect"
import { argValue } from "./Arguments.js"
import { benchmarksPath, writeRateLimitSection } from "./BenchmarksDoc.js"
import { simulatorProcess } from "./SimulatorSpawn.js"
import { countsPath, type WireCounts } from "./WireCounter.js"

const defaults = {
  users: 5_000,
  groups: 250,
  "groups-per-user": 10,
  products: 20,
  "latency-ms": 75,
  // 5 a second: with a window this short, "the minimum the limit allows" is unambiguous (calls ÷ rate; a
  // fixed window's floor differs by under a second), and the window runs out ~150 times in a run, so the
  // client's handling of `X-RateLimit-Remaining: 0` is exercised. `--limit 300 --window-s 60` is the
  // per-minute shape of Atlassian's documented limits.
  limit: 5,
  "window-s": 1
} as const

const option = (name: keyof typeof defaults) => argValue(name, defaults[name])

const WireCountsJson = Schema.Struct({
  admin: Schema.Number,
  rateLimited: Schema.Number,
  firstAnswerAt: Schema.Number,
  lastAnswerAt: Schema.Number
})

const wireCounts = (adminBaseUrl: string): Effect.Effect<WireCounts> =>
  Effect.promise(() => fetch(new URL(countsPath, adminBaseUrl)).then((response) => response.json())).pipe(
    Effect.flatMap(Schema.decodeUnknown(WireCountsJson)),
    Effect.orDie
  )

const seconds = (millis: number) => `${(millis / 1000).toFixed(1)} s`

export const rateLimitScenario = Effect.gen(function* () {
  const shape = {
    users: option("users"),
    groups: option("groups"),
    groupsPerUser: option("groups-per-user"),
    products: option("products"),
    latencyMillis: option("latency-ms"),
    rateLimit: { limit: option("limit"), windowSeconds: option("window-s") }
  }
  const { limit, windowSeconds } = shape.rateLimit
  const handle = yield* simulatorProcess(shape)
  const pacing = yield* pacingFromEnv
  const operatorDefault = Equal.equals(Data.struct(pacing), Data.struct(defaultPacing))
  const connection = yield* Connections.upsert({ name: "bench-rate-limit", orgId: handle.orgId })
  const client = AtlassianClient.layer({
    apiKey: Redacted.make(handle.apiKey),
    adminBaseUrl: handle.adminBaseUrl,
    pacing
  }).pipe(Layer.provide(FetchHttpClient.layer))
  const progress = (event: ProgressEvent) =>
    event._tag === "PageStaged" || event._tag === "ApiStats"
      ? Effect.void
      : Effect.sync(() => process.stderr.write(`  ${event._tag} ${JSON.stringify(event)}\n`))

  yield* Console.log(
    `bench rate-limit: ${shape.users} users, ${shape.latencyMillis} ms latency, ${limit} requests per ${windowSeconds} s enforced; client pacing ${JSON.stringify(pacing)}…`
  )
  const [duration, summary] = yield* Effect.timed(
    runSync(connection, { trigger: "cli", batchSize: 5000, onProgress: progress }).pipe(
      Effect.provide(client)
    )
  )
  const wire = yield* wireCounts(handle.adminBaseUrl)

  const wallMillis = Duration.toMillis(duration)
  // Every call that got an answer other than 429 was needed; a 429 spends a slot of the window for nothing.
  const neededCalls = wire.admin - wire.rateLimited
  const perSecond = limit / windowSeconds
  const sustainedMinimum = (neededCalls / perSecond) * 1000
  // A fixed window lets `limit` calls through at once, so the last window's share costs no waiting at all.
  const windowMinimum = (Math.ceil(neededCalls / limit) - 1) * windowSeconds * 1000
  const ratio = wallMillis / sustainedMinimum
  const apiMillis = wire.lastAnswerAt - wire.firstAnswerAt
  const within = ratio <= 1.15
  const extra429 = Math.max(0, wire.rateLimited - 1)
  const command = process.argv.slice(2).join(" ")

  const section = [
    "## Under latency and a rate limit",
    "",
    "The second target of §6: a mid-size organisation served by the simulator (own process) with a fixed latency",
    "on every response and an enforced limit on `/admin` requests — a fixed window; beyond it 429 with",
    "`Retry-After`, and `X-RateLimit-Limit`, `-Remaining` and `-Reset` (ISO-8601) on every answer, the headers",
    "admin-api.md §8 documents — synced by `runSync` with the client configured as an operator's is:",
    operatorDefault
      ? "`pacingFromEnv` with no `SEATSYNC_*` pacing variable set, i.e. the default pacing (Atlassian publishes no limit for these endpoints, so an operator has nothing to configure; the client follows the limit the server states)."
      : "`pacingFromEnv` with the `SEATSYNC_*` pacing variables set for this run (see the pacing below).",
    "429s are counted twice: by the client (`RequestStats.rateLimited`) and by a counting front in the",
    "simulator's process. `runSync` makes no `last-active-dates` calls, so their 200/min budget does not enter",
    "the minimum.",
    "",
    `Command: \`npm run bench -- ${command}\`.`,
    "",
    `Run on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, Node ${process.version}; client pacing \`${JSON.stringify(pacing)}\`.`,
    "",
    "| measure | result | target |",
    "|---|---|---|",
    `| organisation | ${shape.users} users, ${summary.entities.org_group.staged} groups, ${summary.entities.group_membership.staged} memberships, ${summary.entities.product.staged} products, ${summary.entities.product_role.staged} product roles | mid-size |`,
    `| simulated network | ${shape.latencyMillis} ms before every response; ${limit} requests per ${windowSeconds} s window (${perSecond.toFixed(2)}/s) | |`,
    `| wall time of the sync | ${seconds(wallMillis)} | |`,
    `| API calls (client) | ${summary.api.apiCalls}, of which ${summary.api.retries} retries | |`,
    `| \`/admin\` answers (simulator) | ${wire.admin}, of which ${neededCalls} not 429 | |`,
    `| minimum the rate limit allows | ${seconds(sustainedMinimum)} (${neededCalls} calls ÷ ${perSecond.toFixed(2)}/s); a fixed window's absolute floor: ${seconds(windowMinimum)} | |`,
    `| API phase: first to last answer (simulator) | ${seconds(apiMillis)} (${(apiMillis / sustainedMinimum).toFixed(3)} of the minimum); the other ${seconds(wallMillis - apiMillis)} of the sync are its own work before the first and after the last call (PostgreSQL staging and merge) | |`,
    `| wall time ÷ minimum | ${ratio.toFixed(3)} (${windowMinimum > 0 ? (wallMillis / windowMinimum).toFixed(3) : "—"} against the window floor) | ≤ 1.15 ${within ? "✓" : "✗ not met"} |`,
    `| 429s: client / simulator | ${summary.api.rateLimited} / ${wire.rateLimited} | ≤ 1 ${extra429 === 0 && summary.api.rateLimited <= 1 ? "✓" : "✗ not met"} |`,
    `| time calls spent waiting for their turn (pacing and retries, summed over concurrent calls) | ${seconds(summary.api.sleptMillis)} | |`
  ].join("\n")
  yield* Console.log(section)
  yield* Effect.promise(() => writeRateLimitSection(section))
  yield* Console.log(`written to ${benchmarksPath}`)
}).pipe(Effect.scoped, Effect.provide(Database.layerThrowaway))

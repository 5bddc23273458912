/**
 * The full-size scenario of `npm run bench`: syncs a large simulated organisation from a zero-latency
 * simulator (in its own process) into a fresh embedded PostgreSQL, times a raw COPY of the same rows into the
 * same table shapes as the limit, syncs again unchanged to count rewritten rows, and writes the figures to
 * docs/benchmarks.md (keeping the rate-limit scenario's section).
 */
import { writeFile } from "node:fs/promises"
import os from "node:os"
import { getHeapStatistics } from "node:v8"
import { FetchHttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { AtlassianClient, unpaced } from "@seatsync/atlassian-client"
import { Connections, Database, EmbeddedPostgres, Entities } from "@seatsync/store"
import { type ProgressEvent, runSync, type SyncSummary } from "@seatsync/sync"
import { Console, Duration, Effect, Layer, Redacted } from "effect"
import { argValue, argWord } from "./Arguments.js"
import {
  benchmarksPath,
  currentFullNotes,
  currentRateLimitSection,
  rateLimitPointer
} from "./BenchmarksDoc.js"
import { estimateCalls } from "./CallEstimate.js"
import { makePhaseMeter, type PhaseFigures, type PhaseMeter } from "./PhaseMeter.js"
import { rawCopy, updatedTuples } from "./RawCopy.js"
import { replaySource } from "./ReplaySource.js"
import { simulatorProcess } from "./SimulatorSpawn.js"

const users = argValue("users", 100_000)
const groups = argValue("groups", 5_000)
const groupsPerUser = argValue("groups-per-user", 10)
const products = argValue("products", 20)
/** Where the organisation's answers come from: the live simulator, or its answers replayed from disk. */
const source = argWord("source", "simulator") === "replay" ? "replay" : "simulator"
/** The live tables a sync writes: one per entity. */
const liveTables = Entities.entities

const json = process.argv.includes("--json")
const log = (line: string) => (json ? Console.error(line) : Console.log(line))

/** Runs `effect` under a fresh phase meter: its value, duration, overall peak RSS and per-phase figures. */
const metered = <A, E, R>(effect: (meter: PhaseMeter) => Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(makePhaseMeter),
    (meter) =>
      Effect.map(Effect.timed(effect(meter)), ([duration, value]) => {
        const { peakRssBytes, phases } = meter.stop()
        return { value, duration, peak: () => peakRssBytes, phases }
      }),
    (meter) => Effect.sync(() => meter.stop())
  )

const phaseTable = (phases: ReadonlyArray<PhaseFigures>) => [
  "| phase | wall s | CPU s | peak RSS MB | peak heap used MB | live heap MB (--expose-gc) | peak external MB |",
  "|---|---|---|---|---|---|---|",
  ...phases.map(
    (p) =>
      `| ${p.phase} | ${p.wallSeconds.toFixed(1)} | ${p.cpuSeconds.toFixed(1)} | ${p.peakRssMb} | ${p.peakHeapUsedMb} | ${p.peakLiveHeapMb ?? "–"} | ${p.peakExternalMb} |`
  )
]

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
const rate = (rows: number, millis: number) => Math.round(rows / (millis / 1000))
const rowsWritten = (summary: SyncSummary) =>
  Object.values(summary.entities).reduce(
    (sum, counts) => sum + counts.inserted + counts.updated + counts.restored,
    0
  )

/** The full-size scenario: first sync, raw COPY of the same rows, unchanged second sync. */
export const fullScenario = Effect.gen(function* () {
  const shape = { users, groups, groupsPerUser, products }
  const handle = yield* source === "replay" ? replaySource(shape) : simulatorProcess(shape)
  const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
  const url = Redacted.value(cluster.url)
  const sql = yield* SqlClient.SqlClient
  const version =
    (yield* sql<{ v: string }>`SELECT current_setting('server_version') AS v`.pipe(
      Effect.map((rows) => rows[0]?.v)
    )) ?? "?"
  const connection = yield* Connections.upsert({ name: "bench", orgId: handle.orgId })
  const client = AtlassianClient.layer({
    apiKey: Redacted.make(handle.apiKey),
    adminBaseUrl: handle.adminBaseUrl,
    pacing: unpaced
  }).pipe(Layer.provide(FetchHttpClient.layer))
  const progress = (meter: PhaseMeter) => (event: ProgressEvent) =>
    Effect.zipRight(
      meter.observe(event),
      event._tag === "PageStaged" && event.pages % 100 !== 0
        ? Effect.void
        : Effect.sync(() => process.stderr.write(`  ${event._tag} ${JSON.stringify(event)}\n`))
    )
  const sync = (meter: PhaseMeter) =>
    runSync(connection, { trigger: "cli", batchSize: 5000, onProgress: progress(meter) }).pipe(
      Effect.provide(client)
    )

  // Before the first sync, from the organisation's counts: what the plan says the sync will cost.
  const estimate = yield* estimateCalls(handle)
  yield* log(`bench: a full sync is estimated at ${estimate.calls} API calls (${estimate.basis})`)
  yield* log(`bench: syncing ${users} users from the ${source} into PostgreSQL ${version}…`)
  const first = yield* metered(sync)
  const firstMillis = Duration.toMillis(first.duration)
  const written = rowsWritten(first.value)

  yield* Effect.sleep("1500 millis") // statistics reach pg_stat_user_tables asynchronously
  const updatesBefore = yield* Effect.promise(() => updatedTuples(url, liveTables))
  const second = yield* metered(sync)
  yield* Effect.sleep("1500 millis")
  const updatesAfter = yield* Effect.promise(() => updatedTuples(url, liveTables))

  const copies = yield* Effect.promise(() => rawCopy(url, connection.id, liveTables))
  const copyRows = copies.reduce((sum, copy) => sum + copy.rows, 0)
  const copyMillis = copies.reduce((sum, copy) => sum + copy.millis, 0)
  const syncRate = rate(written, firstMillis)
  const copyRate = rate(copyRows, copyMillis)
  const ratio = syncRate / copyRate
  const rows = Object.values(first.value.entities).reduce((sum, counts) => sum + counts.staged, 0)
  const results = {
    source,
    users,
    groups,
    rows,
    rowsWritten: written,
    syncSeconds: firstMillis / 1000,
    copySeconds: copyMillis / 1000,
    syncOverCopy: Math.round(ratio * 1000) / 1000,
    peakRssMb: Math.round(first.peak() / 1024 / 1024),
    peakRssMbSecondSync: Math.round(second.peak() / 1024 / 1024),
    // The sync runs in this process: its V8 heap limit (`--max-old-space-size`, or derived from the machine's
    // or container's memory) decides how much garbage piles up before a collection, i.e. much of peak RSS.
    heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024),
    nodeFlags: process.execArgv.join(" "),
    secondSyncSeconds: Duration.toMillis(second.duration) / 1000,
    secondSyncRowsWritten: rowsWritten(second.value),
    secondSyncTuplesUpdated: updatesAfter - updatesBefore,
    apiCalls: first.value.api.apiCalls,
    estimatedApiCalls: estimate.calls,
    estimateBasis: estimate.basis,
    estimateError:
      Math.round(((estimate.calls - first.value.api.apiCalls) / first.value.api.apiCalls) * 10_000) / 10_000,
    cpuSecondsPer100kRows:
      Math.round((first.phases.reduce((sum, phase) => sum + phase.cpuSeconds, 0) / rows) * 100_000 * 100) /
      100,
    phases: first.phases,
    phasesSecondSync: second.phases
  }
  if (json) {
    yield* Console.log(JSON.stringify(results))
    return
  }
  const rateLimitSection = yield* Effect.promise(currentRateLimitSection)
  const notes = yield* Effect.promise(currentFullNotes)

  const report = [
    "# Benchmarks",
    "",
    "Produced by `npm run bench` (`apps/bench`): a seeded simulated organisation served with zero latency by the",
    "Atlassian simulator in its own process, synced by `runSync` into a fresh embedded PostgreSQL; then a raw",
    "`COPY … FROM STDIN` of exactly the rows the sync wrote into tables of the same shape and indexes, as the",
    "limit; then a second, unchanged sync. Targets from docs/architecture.md §6.",
    "",
    process.execArgv.length > 0
      ? `Command: \`node ${process.execArgv.join(" ")} apps/bench/dist/bin.js ${process.argv.slice(2).join(" ")}\` (after \`npm run build\`).`
      : process.argv.length > 2
        ? `Command: \`npm run bench -- ${process.argv.slice(2).join(" ")}\`.`
        : "Command: `npm run bench` (defaults: `--users 100000 --groups 5000 --groups-per-user 10 --products 20`).",
    "",
    `Run on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, ${mb(os.totalmem())} RAM, Node ${process.version}, PostgreSQL ${version}.`,
    "",
    "| measure | result | target |",
    "|---|---|---|",
    `| organisation | ${users} users, ${first.value.entities.org_group.staged} groups, ${first.value.entities.group_membership.staged} memberships, ${first.value.entities.product.staged} products, ${first.value.entities.product_role.staged} product roles, ${first.value.entities.product_activity.staged} activity rows | 100k users, 5k groups, 1M memberships, 20 products |`,
    `| first sync | ${(firstMillis / 1000).toFixed(1)} s, ${written} rows written, ${syncRate} rows/s | |`,
    `| raw COPY of the same rows | ${(copyMillis / 1000).toFixed(2)} s, ${copyRows} rows, ${copyRate} rows/s | |`,
    `| sync ÷ COPY throughput | ${(ratio * 100).toFixed(0)} % | ≥ 50 % ${ratio >= 0.5 ? "✓" : "✗ not met"} |`,
    `| peak RSS, first sync | ${mb(first.peak())} | < 256 MB ${first.peak() < 256 * 1024 * 1024 ? "✓" : "✗ not met"} |`,
    `| peak RSS, second sync | ${mb(second.peak())} | flat |`,
    `| V8 heap limit of the sync process | ${results.heapLimitMb} MB${results.nodeFlags === "" ? " (Node's default for this machine)" : ` (${results.nodeFlags})`} | |`,
    `| live rows updated by the unchanged second sync | ${updatesAfter - updatesBefore} | 0 ${updatesAfter === updatesBefore ? "✓" : "✗ not met"} |`,
    `| API calls, first sync | ${first.value.api.apiCalls}; estimated before it ${estimate.calls} (${estimate.basis}, ${(((estimate.calls - first.value.api.apiCalls) / first.value.api.apiCalls) * 100).toFixed(1)} %) | estimate within 10 % ${Math.abs(estimate.calls - first.value.api.apiCalls) <= 0.1 * first.value.api.apiCalls ? "✓" : "✗ not met"} |`,
    "",
    `Per phase of the first sync (${source}; the phase is the listing that staged a page last, users and groups`,
    `overlap; the sync process's CPU: ${results.cpuSecondsPer100kRows} s per 100k rows):`,
    "",
    ...phaseTable(first.phases),
    "",
    "Per table (raw COPY):",
    "",
    "| table | rows | bytes | COPY ms |",
    "|---|---|---|---|",
    ...copies.map((copy) => `| ${copy.table} | ${copy.rows} | ${copy.bytes} | ${copy.millis.toFixed(0)} |`),
    "",
    ...(notes === "" ? [] : [notes, ""]),
    ...(rateLimitSection === ""
      ? [
          "Not measured yet: the latency/rate-limit scenario of §6 (wall time within 15 % of the minimum the rate",
          "limit allows)."
        ]
      : [rateLimitPointer, "", rateLimitSection]),
    ""
  ].join("\n")
  yield* Console.log(report)
  yield* Effect.promise(() => writeFile(benchmarksPath, report))
  yield* Console.log(`written to ${benchmarksPath}`)
}).pipe(Effect.scoped, Effect.provide(Database.layerThrowaway))

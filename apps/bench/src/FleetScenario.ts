/**
 * The fleet scenario of `npm run bench -- --scenario fleet`: a thousand simulated organisations of mixed sizes
 * (`FleetSizes`), each with its own enforced rate window, served by one process (`FleetSimulatorProcess`);
 * as many connections, all due at one nightly slot spread over `SEATSYNC_SCHEDULE_SPREAD`; several
 * `seatsync-worker` processes on one embedded PostgreSQL. It measures syncs per minute, the whole fleet's
 * night, database connections, RSS per replica, how late slots start, that every slot ran exactly once, and
 * the size of a `/metrics` scrape, compares the night with the sizing guide's prediction (apps/worker
 * README), and writes its section of docs/benchmarks.md.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import {
  ApiKeyCipher,
  Connections,
  Database,
  EmbeddedPostgres,
  PgPool,
  RunTotals,
  ServerCapacity
} from "@seatsync/store"
import { Console, Effect, Redacted } from "effect"
import { argValue } from "./Arguments.js"
import { benchmarksPath } from "./BenchmarksDoc.js"
import { fleetSizeOf } from "./FleetSizes.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const workerBin = path.resolve(here, "../../worker/dist/bin.js")

const settings = {
  connections: argValue("connections", 1000),
  replicas: argValue("replicas", 3),
  concurrency: argValue("concurrency", 4),
  spreadSeconds: argValue("spread", 300),
  requestsPerSecond: argValue("requests-per-second", 10),
  rateLimit: argValue("rate-limit", 100),
  rateWindowSeconds: argValue("rate-window", 10),
  startInSeconds: argValue("start-in", 45)
}

const sectionStart = "<!-- bench:fleet (written by `npm run bench -- --scenario fleet`) -->"
const sectionEnd = "<!-- /bench:fleet -->"

interface Organisation {
  readonly index: number
  readonly orgId: string
  readonly apiKey: string
  readonly users: number
}

/** Starts the fleet's simulator process; its admin base URL and organisations once it has printed them all. */
const fleetSimulator = Effect.acquireRelease(
  Effect.async<{ adminBaseUrl: string; organisations: Array<Organisation>; child: ChildProcess }, Error>(
    (resume) => {
      const child = spawn(
        process.execPath,
        [
          path.join(here, "FleetSimulatorProcess.js"),
          String(settings.connections),
          String(settings.rateLimit),
          String(settings.rateWindowSeconds)
        ],
        { stdio: ["ignore", "pipe", "inherit"] }
      )
      let adminBaseUrl = ""
      const organisations: Array<Organisation> = []
      createInterface({ input: child.stdout }).on("line", (line) => {
        const [word, a, b, c, d] = line.split(" ")
        if (word === "ready" && a) adminBaseUrl = a
        if (word === "org" && a && b && c && d)
          organisations.push({ index: Number(a), orgId: b, apiKey: c, users: Number(d) })
        if (word === "done") resume(Effect.succeed({ adminBaseUrl, organisations, child }))
      })
      child.on("exit", (code) => resume(Effect.fail(new Error(`the fleet simulator exited early (${code})`))))
    }
  ),
  ({ child }) => Effect.sync(() => void child.kill("SIGKILL"))
)

interface Replica {
  readonly name: string
  readonly child: ChildProcess
  readonly lines: Array<{ message: string; timestamp: string; annotations: Record<string, unknown> }>
  peakRss: number
  exited: boolean
}

const spawnReplica = (name: string, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync((): Replica => {
      const child = spawn(process.execPath, [workerBin], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      const replica: Replica = { name, child, lines: [], peakRss: 0, exited: false }
      createInterface({ input: child.stdout }).on("line", (line) => {
        if (!line.startsWith("{")) return
        try {
          replica.lines.push(JSON.parse(line))
        } catch {
          // not a log line
        }
      })
      child.stderr?.on("data", () => undefined)
      child.on("exit", () => {
        replica.exited = true
      })
      return replica
    }),
    (replica) => Effect.sync(() => void (replica.exited ? undefined : replica.child.kill("SIGKILL")))
  )

/** Resident set size of a process (Linux), in bytes; 0 when unknown. */
const rssOf = async (pid: number | undefined): Promise<number> => {
  if (pid === undefined) return 0
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "")
  const match = /VmRSS:\s+(\d+) kB/.exec(status)
  return match?.[1] === undefined ? 0 : Number(match[1]) * 1024
}

const dailyAt = (at: Date) => `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`

const percentile = (values: ReadonlyArray<number>, p: number) => {
  const sorted = values.slice().sort((a, b) => a - b)
  return sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0)
}

const seconds = (millis: number) => `${(millis / 1000).toFixed(1)} s`
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`

/** Writes (or replaces) the fleet section at the end of docs/benchmarks.md, keeping everything else. */
const writeFleetSection = async (body: string) => {
  const doc = await readFile(benchmarksPath, "utf8").catch(() => "")
  const section = `${sectionStart}\n${body.trim()}\n${sectionEnd}`
  const start = doc.indexOf(sectionStart)
  const end = doc.indexOf(sectionEnd)
  const next =
    start === -1 || end < start
      ? `${doc.trimEnd()}\n\n${section}\n`
      : `${doc.slice(0, start)}${section}${doc.slice(end + sectionEnd.length)}`
  await writeFile(benchmarksPath, next)
}

export const fleetScenario = Effect.gen(function* () {
  if (!existsSync(workerBin)) {
    return yield* Effect.fail(
      new Error(
        `the worker is not built (${workerBin}): run \`npx turbo run build --filter=@seatsync/worker\` first`
      )
    )
  }
  const { connections: n, replicas, concurrency, spreadSeconds } = settings
  const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
  const pool = yield* PgPool.PgPool
  yield* Console.log(`bench fleet: starting ${n} simulated organisations…`)
  const fleet = yield* fleetSimulator
  const encryptionKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 7)).toString("base64")
  const key = yield* ApiKeyCipher.parseEncryptionKey(Redacted.make(encryptionKey))
  const slot = new Date(Math.ceil((Date.now() + settings.startInSeconds * 1000) / 1000) * 1000)
  yield* Effect.forEach(
    fleet.organisations,
    (org) => {
      const name = `customer-${String(org.index).padStart(4, "0")}`
      return Connections.upsert({
        name,
        orgId: org.orgId,
        schedule: dailyAt(slot),
        timeZone: "UTC",
        apiKeyCiphertext: ApiKeyCipher.encrypt(key, name, Redacted.make(org.apiKey))
      })
    },
    { concurrency: 4, discard: true }
  )
  yield* Console.log(
    `bench fleet: ${n} connections due at ${slot.toISOString()} + up to ${spreadSeconds} s; ${replicas} replicas × ${concurrency} jobs`
  )
  const env = {
    DATABASE_URL: Redacted.value(cluster.url),
    ATLASSIAN_ADMIN_BASE_URL: fleet.adminBaseUrl,
    SEATSYNC_ENCRYPTION_KEY: encryptionKey,
    SEATSYNC_WORKER_CONCURRENCY: String(concurrency),
    SEATSYNC_SCHEDULE_SPREAD: `${spreadSeconds} seconds`,
    SEATSYNC_BACKFILL_BUDGET: "0",
    SEATSYNC_REQUESTS_PER_SECOND: String(settings.requestsPerSecond),
    SEATSYNC_REQUEST_BURST: String(settings.requestsPerSecond),
    SEATSYNC_WORKER_PORT: "0"
  }
  const workers = yield* Effect.forEach(
    Array.from({ length: replicas }, (_, i) => i),
    (i) => spawnReplica(`replica-${i + 1}`, env)
  )
  let peakConnections = 0
  let done = false
  const deadline = slot.getTime() + (spreadSeconds + 1800) * 1000
  while (!done && Date.now() < deadline) {
    yield* Effect.sleep("2 seconds")
    const capacity = yield* ServerCapacity.read
    // The bench process's own pool is seatsync's too: count the workers' connections only.
    const own = pool.totalCount
    peakConnections = Math.max(peakConnections, capacity.seatsyncConnections - own)
    for (const worker of workers)
      worker.peakRss = Math.max(worker.peakRss, yield* Effect.promise(() => rssOf(worker.child.pid)))
    const totals = yield* RunTotals.byConnectionAndStatus([])
    const finished = totals.filter((row) => row.status !== "running").reduce((sum, row) => sum + row.runs, 0)
    const running = totals.filter((row) => row.status === "running").reduce((sum, row) => sum + row.runs, 0)
    done = finished >= n && running === 0
    process.stderr.write(
      `  ${new Date().toISOString()} finished ${finished}/${n}, running ${running}, db connections ${capacity.seatsyncConnections}\n`
    )
  }
  const scrapeLine = workers[0]?.lines.find((line) =>
    String(line.message).startsWith("operations server listening on port")
  )
  const port = /port (\d+)/.exec(String(scrapeLine?.message ?? ""))?.[1]
  const scrape =
    port === undefined
      ? ""
      : yield* Effect.promise(() =>
          fetch(`http://127.0.0.1:${port}/metrics`)
            .then((r) => r.text())
            .catch(() => "")
        )
  const totals = yield* RunTotals.byConnectionAndStatus([])
  for (const worker of workers) worker.child.kill("SIGTERM")
  yield* Effect.sleep("3 seconds")
  // Every replica's log, for a look at what the figures summarise.
  const logDir = path.join(os.tmpdir(), "seatsync-fleet")
  yield* Effect.promise(() => mkdir(logDir, { recursive: true }))
  for (const worker of workers) {
    yield* Effect.promise(() =>
      writeFile(
        path.join(logDir, `${worker.name}.log`),
        worker.lines.map((line) => JSON.stringify(line)).join("\n")
      )
    )
  }

  // Exactly once: every connection's slot succeeded in exactly one run. Attempts that failed and were
  // retried (a run each in the ledger) are listed beside it: a retry is the same slot, not a second one.
  const runsPerConnection = new Map<string, number>()
  for (const row of totals)
    runsPerConnection.set(row.connectionName, (runsPerConnection.get(row.connectionName) ?? 0) + row.runs)
  const succeeded = totals.filter((row) => row.status === "succeeded")
  const exactlyOnce =
    runsPerConnection.size === n && succeeded.length === n && succeeded.every((row) => row.runs === 1)
  const lines = workers.flatMap((worker) => worker.lines.map((line) => ({ ...line, replica: worker.name })))
  const starts = lines.filter((line) => line.message === "sync job started" && line.annotations.attempt === 1)
  const lateness = starts.map((line) => Number(line.annotations.lateMillis))
  const finishes = lines
    .filter((line) => line.message === "sync succeeded")
    .map((line) => Date.parse(line.timestamp))
  const firstStart = Math.min(...starts.map((line) => Date.parse(line.timestamp)))
  const lastFinish = Math.max(...finishes)
  const night = lastFinish - slot.getTime()
  const busy = lastFinish - firstStart
  const jobSeconds =
    succeeded.reduce((sum, row) => sum + row.durationSeconds, 0) / Math.max(1, succeeded.length)
  const apiCalls = succeeded.reduce((sum, row) => sum + row.apiCalls, 0)
  const rateLimited = totals.reduce((sum, row) => sum + row.rateLimited, 0)
  // The sizing guide (apps/worker README): the night is the spread plus one job when the fleet fits, and
  // N × job time ÷ (replicas × concurrency) when it does not.
  const capacitySeconds = (n * jobSeconds) / (replicas * concurrency)
  const predicted = Math.max(spreadSeconds + jobSeconds, capacitySeconds) * 1000
  const deviation = night / predicted - 1
  const perReplica = workers.map((worker) => ({
    name: worker.name,
    jobs: worker.lines.filter((line) => line.message === "sync succeeded").length,
    rss: worker.peakRss
  }))
  const sizes = new Map<string, number>()
  for (let i = 0; i < n; i++) sizes.set(fleetSizeOf(i).label, (sizes.get(fleetSizeOf(i).label) ?? 0) + 1)
  const command = process.argv.slice(2).join(" ")
  const section = [
    "## A fleet of organisations",
    "",
    "Issue 16's fleet: simulated organisations of mixed sizes, each with its own enforced rate window, served by",
    "one simulator process behind one admin base URL; one connection each, all on one nightly slot with the",
    "worker's deterministic spread; several `seatsync-worker` processes on one embedded PostgreSQL (backfill",
    "budget 0: the night's syncs alone). Lateness is a sync job's start minus its slot's due time (slot + spread),",
    "as the job logs it (`lateMillis`); exactly once is read from the run ledger.",
    "",
    `Command: \`npm run bench -- ${command}\`.`,
    "",
    `Run on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores shared with other work (load average ${os.loadavg()[0]?.toFixed(1)} at the end), Node ${process.version}.`,
    "",
    "| measure | result | target |",
    "|---|---|---|",
    `| fleet | ${n} organisations: ${[...sizes].map(([label, count]) => `${count} ${label} (${label === "small" ? 25 : label === "mid" ? 100 : 400} users)`).join(", ")}; each ${settings.rateLimit} requests per ${settings.rateWindowSeconds} s enforced; client ${settings.requestsPerSecond} requests/s per organisation | |`,
    `| workers | ${replicas} replicas × \`SEATSYNC_WORKER_CONCURRENCY=${concurrency}\`, pool 10 each, \`SEATSYNC_SCHEDULE_SPREAD=${spreadSeconds} seconds\` | |`,
    `| every slot run exactly once | ${exactlyOnce ? "yes" : "no"}: ${runsPerConnection.size} connections with runs, ${succeeded.filter((row) => row.runs === 1).length} with exactly one succeeded run; ${[...runsPerConnection.values()].filter((r) => r !== 1).length} with retried attempts (runs not succeeded: ${
      totals
        .filter((row) => row.status !== "succeeded")
        .map((row) => `${row.connectionName} ${row.status} ×${row.runs}`)
        .join(", ") || "none"
    }) | ${exactlyOnce ? "✓" : "✗ not met"} |`,
    `| slot start lateness | p50 ${seconds(percentile(lateness, 50))}, p95 ${seconds(percentile(lateness, 95))}, max ${seconds(Math.max(...lateness))} (${lateness.length} starts) | p95 < 5 s ${percentile(lateness, 95) < 5000 ? "✓" : "✗ not met"} |`,
    `| the fleet's night (slot to last sync's end) | ${seconds(night)} | |`,
    `| sizing guide's prediction | ${seconds(predicted)} (max(spread + job, N × job ÷ (replicas × concurrency)) with the mean job ${jobSeconds.toFixed(2)} s); measured ÷ predicted − 1 = ${(deviation * 100).toFixed(1)} % | within 15 % ${Math.abs(deviation) <= 0.15 ? "✓" : "✗ not met"} |`,
    `| syncs per minute | ${((n / busy) * 60000).toFixed(1)} over the ${seconds(busy)} from first start to last end; capacity ${(((replicas * concurrency) / jobSeconds) * 60).toFixed(0)} a minute at the mean job | |`,
    `| API calls, 429s | ${apiCalls}, ${rateLimited} | |`,
    `| database connections (workers, peak) | ${peakConnections} (pool ${replicas} × 10 = ${replicas * 10} at most) | |`,
    `| peak RSS per replica | ${perReplica.map((r) => `${r.name}: ${mb(r.rss)}, ${r.jobs} jobs`).join("; ")} | |`,
    `| \`/metrics\` scrape at ${n} connections | ${Buffer.byteLength(scrape, "utf8")} bytes, ${scrape.split("\n").length} lines | < 100 kB ${Buffer.byteLength(scrape, "utf8") < 100_000 && scrape !== "" ? "✓" : "✗ not met"} |`
  ].join("\n")
  yield* Console.log(section)
  yield* Effect.promise(() => writeFleetSection(section))
  yield* Console.log(`written to ${benchmarksPath}`)
}).pipe(Effect.scoped, Effect.provide(Database.layerThrowaway))

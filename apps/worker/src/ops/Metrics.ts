/**
 * The worker's Prometheus metrics: read from the database at scrape time through the store (the run ledger
 * summed by connection and status, and `Reports.connectionHealth`, so every replica reports the same run
 * counters) plus this process's lifecycle (jobs in flight, draining), then rendered as text by a pure function.
 *
 * By default the run, API and record metrics are fleet aggregates (labelled by status or entity, never by
 * connection), and per-connection series exist only where an operator acts on one connection: paused
 * connections and failure streaks. A scrape of 1,000 connections stays a few kB. `SEATSYNC_METRICS_PER_CONNECTION`
 * adds every family per connection (about 60 lines per connection).
 */
import type { SqlClient, SqlError } from "@effect/sql"
import { Connections, KeyExpiry, Reports, RunTotals as RunTotalsReading } from "@seatsync/store"
import { Clock, Effect, type ParseResult } from "effect"
import { type MetricFamily, render as renderFamilies, type Sample } from "./Exposition.js"
import { type LifecycleSnapshot, WorkerLifecycle } from "./WorkerLifecycle.js"

/** Upper bounds (seconds) of the run duration histogram's buckets, ascending; `+Inf` is implied. */
export const durationBuckets: ReadonlyArray<number> = [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400]

/** Run statuses that end a run; the run counters and the duration histogram count these. */
export const finishedStatuses = ["succeeded", "failed", "interrupted"] as const

/** The runs of one connection in one status, summed. */
export interface RunTotals {
  readonly connection: string
  readonly status: string
  readonly runs: number
  readonly apiCalls: number
  readonly retries: number
  readonly rateLimited: number
  readonly sleptSeconds: number
  /** Finished runs (all of them unless `status` is `running`) and their summed duration. */
  readonly finished: number
  readonly durationSeconds: number
  /** Cumulative counts of finished runs per `durationBuckets` bound (same length and order). */
  readonly durationBucketCounts: ReadonlyArray<number>
  /** `entity_counts` summed by entity. */
  readonly records: Readonly<Record<string, number>>
}

/** One connection's row of `v_connection_health`. */
export interface ConnectionHealth {
  readonly connection: string
  /** The organisation: connections sharing one share its rate window. */
  readonly orgId: string
  readonly pausedReason: string | null
  readonly consecutiveFailures: number
  /** Unix seconds of the last succeeded run's end; `null` when none succeeded. */
  readonly lastSuccessSeconds: number | null
}

/** A connection whose API key has a recorded expiry (`connect --key-expires`): whole days left. */
export interface KeyExpiryReading {
  readonly connection: string
  /** 0 on the expiry day, negative after it. */
  readonly daysLeft: number
}

/** Everything one scrape reports. */
export interface MetricsSnapshot {
  readonly runs: ReadonlyArray<RunTotals>
  readonly connections: ReadonlyArray<ConnectionHealth>
  readonly process: LifecycleSnapshot
  /** Connections with a recorded key expiry (none when omitted). */
  readonly keyExpiries?: ReadonlyArray<KeyExpiryReading> | undefined
}

/** Longer pause reasons are cut to this many characters in the `reason` label. */
export const reasonLabelLength = 200

const truncate = (text: string, length: number) =>
  text.length <= length ? text : `${text.slice(0, length - 1)}…`

const byConnection = (connection: string): Sample["labels"] => [["connection", connection]]

const sumBy = (rows: ReadonlyArray<RunTotals>, connection: string, field: (row: RunTotals) => number) =>
  rows.filter((row) => row.connection === connection).reduce((total, row) => total + field(row), 0)

/** What a scrape renders: fleet aggregates only (the default), or every family per connection too. */
export interface RenderOptions {
  readonly perConnection: boolean
}

export const fleetOnly: RenderOptions = { perConnection: false }

/** The metric families of a snapshot, in a stable order (connections by name). */
export const families = (
  snapshot: MetricsSnapshot,
  options: RenderOptions = fleetOnly
): ReadonlyArray<MetricFamily> => [
  ...(options.perConnection ? perConnectionFamilies(snapshot) : fleetFamilies(snapshot)),
  ...fleetGauges(snapshot),
  ...keyExpiryFamilies(snapshot, options),
  ...processFamilies(snapshot)
]

/**
 * Days left before each connection's API key expires (Atlassian sends no warning): listed for the keys
 * within `KeyExpiry.warnDaysAhead` days of it or past it, every recorded one with SEATSYNC_METRICS_PER_CONNECTION.
 */
export const keyExpiryFamilies = (
  snapshot: MetricsSnapshot,
  options: RenderOptions = fleetOnly
): ReadonlyArray<MetricFamily> => {
  const listed = (snapshot.keyExpiries ?? [])
    .filter((reading) => options.perConnection || reading.daysLeft <= KeyExpiry.warnDaysAhead)
    .slice()
    .sort((a, b) => a.connection.localeCompare(b.connection))
  return listed.length === 0
    ? []
    : [
        {
          name: "seatsync_api_key_days_left",
          help: `Days until the connection's API key expires, as recorded with \`seatsync connect --key-expires\` (0 on the day, negative after it); keys within ${KeyExpiry.warnDaysAhead} days of it are listed unless SEATSYNC_METRICS_PER_CONNECTION is set.`,
          type: "gauge",
          samples: listed.map((reading) => ({
            labels: byConnection(reading.connection),
            value: reading.daysLeft
          }))
        }
      ]
}

/** A gauge of this process alone (no labels). */
const processGauge = (name: string, help: string, value: number): MetricFamily => ({
  name,
  help,
  type: "gauge",
  samples: [{ labels: [], value }]
})

/** A fleet total (no labels). */
const total = (name: string, help: string, type: MetricFamily["type"], value: number): MetricFamily => ({
  name,
  help,
  type,
  samples: [{ labels: [], value }]
})

/** The run, API and record families summed over the fleet, and the per-connection series an operator acts on. */
export const fleetFamilies = (snapshot: MetricsSnapshot): ReadonlyArray<MetricFamily> => {
  const finished = snapshot.runs.filter((row) => row.status !== "running")
  const sum = (rows: ReadonlyArray<RunTotals>, field: (row: RunTotals) => number) =>
    rows.reduce((acc, row) => acc + field(row), 0)
  const byStatus = (status: string) => finished.filter((row) => row.status === status)
  const records = new Map<string, number>()
  for (const row of finished) {
    for (const [entity, count] of Object.entries(row.records)) {
      records.set(entity, (records.get(entity) ?? 0) + count)
    }
  }
  const histogram = finishedStatuses.flatMap((status): ReadonlyArray<Sample> => {
    const rows = byStatus(status)
    if (rows.length === 0) return []
    const labels: Sample["labels"] = [["status", status]]
    const count = sum(rows, (row) => row.finished)
    return [
      ...durationBuckets.map((bound, i) => ({
        suffix: "_bucket",
        labels: [...labels, ["le", String(bound)] as const],
        value: sum(rows, (row) => row.durationBucketCounts[i] ?? 0)
      })),
      { suffix: "_bucket", labels: [...labels, ["le", "+Inf"] as const], value: count },
      { suffix: "_sum", labels, value: sum(rows, (row) => row.durationSeconds) },
      { suffix: "_count", labels, value: count }
    ]
  })
  const connectionsByName = snapshot.connections
    .slice()
    .sort((a, b) => a.connection.localeCompare(b.connection))
  return [
    {
      name: "seatsync_sync_runs_total",
      help: "Finished sync runs of the whole fleet by final status (from the run ledger, the same on every replica).",
      type: "counter",
      samples: finishedStatuses.map((status) => ({
        labels: [["status", status]],
        value: sum(byStatus(status), (row) => row.runs)
      }))
    },
    total(
      "seatsync_sync_runs_running",
      "Sync runs in progress now across the fleet (any process, CLI or worker).",
      "gauge",
      sum(
        snapshot.runs.filter((row) => row.status === "running"),
        (row) => row.runs
      )
    ),
    {
      name: "seatsync_sync_run_duration_seconds",
      help: "Duration of the fleet's finished sync runs, from start to finish, by final status.",
      type: "histogram",
      samples: histogram
    },
    {
      name: "seatsync_records_total",
      help: "Records staged by the fleet's finished sync runs (the runs' entity_counts), by entity.",
      type: "counter",
      samples: [...records.keys()].sort().map((entity) => ({
        labels: [["entity", entity]],
        value: records.get(entity) ?? 0
      }))
    },
    total(
      "seatsync_api_calls_total",
      "Atlassian API requests made by the fleet's finished sync runs.",
      "counter",
      sum(finished, (row) => row.apiCalls)
    ),
    total(
      "seatsync_api_rate_limited_total",
      "Atlassian API responses 429 (rate limited) received by the fleet's finished sync runs.",
      "counter",
      sum(finished, (row) => row.rateLimited)
    ),
    total(
      "seatsync_api_retries_total",
      "Atlassian API requests retried by the fleet's finished sync runs.",
      "counter",
      sum(finished, (row) => row.retries)
    ),
    total(
      "seatsync_api_slept_seconds_total",
      "Seconds the fleet's finished sync runs spent waiting on rate limits and retry back-off.",
      "counter",
      sum(finished, (row) => row.sleptSeconds)
    ),
    {
      name: "seatsync_connection_paused",
      help: "1 for each connection paused after repeated failures (until `seatsync connect <name> --resume`); only paused connections are listed unless SEATSYNC_METRICS_PER_CONNECTION is set.",
      type: "gauge",
      samples: connectionsByName
        .filter((c) => c.pausedReason !== null)
        .map((c) => ({ labels: byConnection(c.connection), value: 1 }))
    },
    pausedInfo(connectionsByName),
    {
      name: "seatsync_connection_consecutive_failures",
      help: "Scheduled runs of the connection that failed in a row since its last success or resume; only connections with a failure are listed unless SEATSYNC_METRICS_PER_CONNECTION is set.",
      type: "gauge",
      samples: connectionsByName
        .filter((c) => c.consecutiveFailures > 0)
        .map((c) => ({ labels: byConnection(c.connection), value: c.consecutiveFailures }))
    }
  ]
}

/** Why each paused connection was paused (one series per paused connection). */
const pausedInfo = (connectionsByName: ReadonlyArray<ConnectionHealth>): MetricFamily => ({
  name: "seatsync_connection_paused_info",
  help: "Why a paused connection was paused (always 1; one series per paused connection).",
  type: "gauge",
  samples: connectionsByName.flatMap(
    (c): ReadonlyArray<Sample> =>
      c.pausedReason === null
        ? []
        : [
            {
              labels: [
                ["connection", c.connection],
                ["reason", truncate(c.pausedReason, reasonLabelLength)]
              ],
              value: 1
            }
          ]
  )
})

/** Gauges over the whole fleet, in both modes: its size, its pauses, its freshness and shared organisations. */
export const fleetGauges = (snapshot: MetricsSnapshot): ReadonlyArray<MetricFamily> => {
  const connections = snapshot.connections
  const succeeded = connections.flatMap((c) => (c.lastSuccessSeconds === null ? [] : [c.lastSuccessSeconds]))
  const perOrg = new Map<string, number>()
  for (const c of connections) perOrg.set(c.orgId, (perOrg.get(c.orgId) ?? 0) + 1)
  return [
    total("seatsync_connections", "Connections registered (the fleet).", "gauge", connections.length),
    total(
      "seatsync_connections_paused",
      "Connections paused after repeated failures.",
      "gauge",
      connections.filter((c) => c.pausedReason !== null).length
    ),
    total(
      "seatsync_connections_failing",
      "Connections whose latest scheduled runs failed (a failure streak above 0).",
      "gauge",
      connections.filter((c) => c.consecutiveFailures > 0).length
    ),
    total(
      "seatsync_connections_never_succeeded",
      "Connections without a single succeeded run.",
      "gauge",
      connections.length - succeeded.length
    ),
    total(
      "seatsync_last_success_oldest_timestamp_seconds",
      "The oldest of the connections' last successes (Unix time; connections that never succeeded are left out; 0 when none has): the fleet no longer fits its night when this falls behind by more than a day.",
      "gauge",
      succeeded.length === 0 ? 0 : Math.min(...succeeded)
    ),
    total(
      "seatsync_connections_sharing_organisation",
      "Connections whose organisation has another connection too: they share its rate window, so the scheduler never runs them side by side.",
      "gauge",
      connections.filter((c) => (perOrg.get(c.orgId) ?? 0) > 1).length
    )
  ]
}

/** The gauges of this process alone. */
const processFamilies = (snapshot: MetricsSnapshot): ReadonlyArray<MetricFamily> => [
  processGauge(
    "seatsync_worker_jobs_in_flight",
    "Sync jobs this worker process is running now (per process).",
    snapshot.process.jobsInFlight
  ),
  processGauge(
    "seatsync_worker_backfills_in_flight",
    "Backfill jobs this worker process is running now (per process).",
    snapshot.process.backfillsInFlight
  ),
  {
    name: "seatsync_worker_slots_deferred_total",
    help: "Slots this process's ticks deferred because another connection of the same organisation had a job pending (per process).",
    type: "counter",
    samples: [{ labels: [], value: snapshot.process.slotsDeferred }]
  },
  processGauge(
    "seatsync_worker_draining",
    "1 once this worker process is shutting down and takes no new work, else 0 (per process).",
    snapshot.process.draining ? 1 : 0
  ),
  processGauge(
    "seatsync_worker_start_time_seconds",
    "Unix time at which this worker process started (per process).",
    snapshot.process.startedAt.getTime() / 1000
  )
]

/** Every run, API, record and health family per connection (`SEATSYNC_METRICS_PER_CONNECTION`). */
export const perConnectionFamilies = (snapshot: MetricsSnapshot): ReadonlyArray<MetricFamily> => {
  const names = [
    ...new Set([...snapshot.connections.map((c) => c.connection), ...snapshot.runs.map((r) => r.connection)])
  ].sort()
  const finished = snapshot.runs.filter((row) => row.status !== "running")
  const perConnection = (field: (row: RunTotals) => number): ReadonlyArray<Sample> =>
    names.map((connection) => ({
      labels: byConnection(connection),
      value: sumBy(finished, connection, field)
    }))
  const histogram = finished.flatMap((row): ReadonlyArray<Sample> => {
    const labels: Sample["labels"] = [
      ["connection", row.connection],
      ["status", row.status]
    ]
    return [
      ...durationBuckets.map((bound, i) => ({
        suffix: "_bucket",
        labels: [...labels, ["le", String(bound)] as const],
        value: row.durationBucketCounts[i] ?? 0
      })),
      { suffix: "_bucket", labels: [...labels, ["le", "+Inf"] as const], value: row.finished },
      { suffix: "_sum", labels, value: row.durationSeconds },
      { suffix: "_count", labels, value: row.finished }
    ]
  })
  const records = names.flatMap((connection) => {
    const totals = new Map<string, number>()
    for (const row of finished) {
      if (row.connection !== connection) continue
      for (const [entity, count] of Object.entries(row.records)) {
        totals.set(entity, (totals.get(entity) ?? 0) + count)
      }
    }
    return [...totals.keys()].sort().map(
      (entity): Sample => ({
        labels: [
          ["connection", connection],
          ["entity", entity]
        ],
        value: totals.get(entity) ?? 0
      })
    )
  })
  const health = new Map(snapshot.connections.map((c) => [c.connection, c]))
  /** A counter of one run-ledger sum per connection. */
  const ledgerCounter = (name: string, help: string, field: (row: RunTotals) => number): MetricFamily => ({
    name,
    help,
    type: "counter",
    samples: perConnection(field)
  })
  /** A gauge of one `v_connection_health` value per connection (`undefined`: no health row yet). */
  const healthGauge = (
    name: string,
    help: string,
    value: (row: ConnectionHealth | undefined) => number
  ): MetricFamily => ({
    name,
    help,
    type: "gauge",
    samples: names.map((connection) => ({
      labels: byConnection(connection),
      value: value(health.get(connection))
    }))
  })
  const connectionsByName = snapshot.connections
    .slice()
    .sort((a, b) => a.connection.localeCompare(b.connection))
  return [
    {
      name: "seatsync_sync_runs_total",
      help: "Finished sync runs by connection and final status (from the run ledger, the same on every replica).",
      type: "counter",
      samples: names.flatMap((connection) =>
        finishedStatuses.map((status) => ({
          labels: [
            ["connection", connection],
            ["status", status]
          ],
          value: sumBy(finished, connection, (row) => (row.status === status ? row.runs : 0))
        }))
      )
    },
    {
      name: "seatsync_sync_runs_running",
      help: "Sync runs in progress now, by connection (any process, CLI or worker).",
      type: "gauge",
      samples: names.map((connection) => ({
        labels: byConnection(connection),
        value: sumBy(snapshot.runs, connection, (row) => (row.status === "running" ? row.runs : 0))
      }))
    },
    {
      name: "seatsync_sync_run_duration_seconds",
      help: "Duration of finished sync runs, from start to finish, by connection and final status.",
      type: "histogram",
      samples: histogram
    },
    {
      name: "seatsync_records_total",
      help: "Records staged by finished sync runs (the run's entity_counts), by connection and entity.",
      type: "counter",
      samples: records
    },
    ledgerCounter(
      "seatsync_api_calls_total",
      "Atlassian API requests made by finished sync runs, by connection.",
      (row) => row.apiCalls
    ),
    ledgerCounter(
      "seatsync_api_rate_limited_total",
      "Atlassian API responses 429 (rate limited) received by finished sync runs, by connection.",
      (row) => row.rateLimited
    ),
    ledgerCounter(
      "seatsync_api_retries_total",
      "Atlassian API requests retried by finished sync runs, by connection.",
      (row) => row.retries
    ),
    ledgerCounter(
      "seatsync_api_slept_seconds_total",
      "Seconds finished sync runs spent waiting on rate limits and retry back-off, by connection.",
      (row) => row.sleptSeconds
    ),
    healthGauge(
      "seatsync_last_success_timestamp_seconds",
      "Unix time at which the connection's last succeeded run finished; 0 if none ever succeeded.",
      (row) => row?.lastSuccessSeconds ?? 0
    ),
    healthGauge(
      "seatsync_connection_paused",
      "1 if the connection is paused after repeated failures (until `seatsync connect <name> --resume`), else 0.",
      (row) => ((row?.pausedReason ?? null) === null ? 0 : 1)
    ),
    pausedInfo(connectionsByName),
    healthGauge(
      "seatsync_connection_consecutive_failures",
      "Scheduled runs of the connection that failed in a row since its last success or resume.",
      (row) => row?.consecutiveFailures ?? 0
    )
  ]
}

/** The scrape body for a snapshot (Prometheus text format 0.0.4). */
export const render = (snapshot: MetricsSnapshot, options: RenderOptions = fleetOnly): string =>
  renderFamilies(families(snapshot, options))

/** The run ledger summed by connection and status (`RunTotals.byConnectionAndStatus`), as the metrics name them. */
export const readRunTotals: Effect.Effect<
  ReadonlyArray<RunTotals>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> = RunTotalsReading.byConnectionAndStatus(durationBuckets).pipe(
  Effect.map((rows) =>
    rows.map(
      (row): RunTotals => ({
        connection: row.connectionName,
        status: row.status,
        runs: row.runs,
        apiCalls: row.apiCalls,
        retries: row.retries,
        rateLimited: row.rateLimited,
        sleptSeconds: row.sleptSeconds,
        finished: row.finished,
        durationSeconds: row.durationSeconds,
        durationBucketCounts: row.durationBucketCounts,
        records: row.records
      })
    )
  ),
  Effect.withSpan("Metrics.readRunTotals")
)

/** Every connection's pause state, failure streak and last success (`Reports.connectionHealth`). */
export const readConnectionHealth: Effect.Effect<
  ReadonlyArray<ConnectionHealth>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> = Reports.connectionHealth().pipe(
  Effect.map((rows) =>
    rows.map(
      (row): ConnectionHealth => ({
        connection: row.connectionName,
        orgId: row.orgId,
        pausedReason: row.pausedReason,
        consecutiveFailures: row.consecutiveFailures,
        lastSuccessSeconds: row.lastSuccessEpochSeconds
      })
    )
  ),
  Effect.withSpan("Metrics.readConnectionHealth")
)

/** The connections whose key has a recorded expiry, with the days left today. */
export const readKeyExpiries: Effect.Effect<
  ReadonlyArray<KeyExpiryReading>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> = Effect.gen(function* () {
  const now = new Date(yield* Clock.currentTimeMillis)
  return (yield* Connections.list).flatMap((connection) =>
    connection.apiKeyExpiresOn === null
      ? []
      : [{ connection: connection.name, daysLeft: KeyExpiry.daysLeft(connection.apiKeyExpiresOn, now) }]
  )
}).pipe(Effect.withSpan("Metrics.readKeyExpiries"))

/** One scrape's data: the store readings and this process's lifecycle. */
export const collect: Effect.Effect<
  MetricsSnapshot,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient | WorkerLifecycle
> = Effect.gen(function* () {
  const lifecycle = yield* WorkerLifecycle
  const runs = yield* readRunTotals
  const connections = yield* readConnectionHealth
  const keyExpiries = yield* readKeyExpiries
  return { runs, connections, keyExpiries, process: yield* lifecycle.snapshot }
}).pipe(Effect.withSpan("Metrics.collect"))

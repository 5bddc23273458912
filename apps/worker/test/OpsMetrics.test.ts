import { describe, expect, it } from "@effect/vitest"
import { escapeHelp, escapeLabelValue, formatValue, render, renderFamily } from "../src/ops/Exposition.js"
import {
  durationBuckets,
  type MetricsSnapshot,
  type RunTotals,
  render as renderMetrics
} from "../src/ops/Metrics.js"

const runTotals = (overrides: Partial<RunTotals> & Pick<RunTotals, "connection" | "status">): RunTotals => ({
  runs: 0,
  apiCalls: 0,
  retries: 0,
  rateLimited: 0,
  sleptSeconds: 0,
  finished: 0,
  durationSeconds: 0,
  durationBucketCounts: durationBuckets.map(() => 0),
  records: {},
  ...overrides
})

/** These tests read every family per connection (`SEATSYNC_METRICS_PER_CONNECTION`). */
const perConnection = { perConnection: true }

const snapshot: MetricsSnapshot = {
  runs: [
    runTotals({
      connection: "acme",
      status: "succeeded",
      runs: 2,
      apiCalls: 120,
      retries: 3,
      rateLimited: 2,
      sleptSeconds: 4.5,
      finished: 2,
      durationSeconds: 70,
      // 10 s and 60 s: neither fits under 5 s, both under 60 s.
      durationBucketCounts: [0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2],
      records: { org_user: 200, org_group: 10 }
    }),
    runTotals({
      connection: "acme",
      status: "failed",
      runs: 1,
      apiCalls: 5,
      rateLimited: 1,
      finished: 1,
      durationSeconds: 2,
      durationBucketCounts: durationBuckets.map(() => 1),
      records: { org_user: 50 }
    }),
    runTotals({ connection: "globex", status: "running", runs: 1 })
  ],
  connections: [
    {
      connection: "globex",
      orgId: "org-globex",
      pausedReason: 'key "revoked"\nsee C:\\keys',
      consecutiveFailures: 3,
      lastSuccessSeconds: null
    },
    {
      connection: "acme",
      orgId: "org-acme",
      pausedReason: null,
      consecutiveFailures: 0,
      lastSuccessSeconds: 1_764_000_000.25
    }
  ],
  process: {
    startedAt: new Date("2026-11-28T12:00:00.500Z"),
    draining: false,
    jobsInFlight: 2,
    backfillsInFlight: 0,
    slotsDeferred: 0
  }
}

const lines = (text: string) => text.split("\n")

describe("Prometheus exposition", () => {
  it("escapes backslash, double quote and line feed in label values", () => {
    expect(escapeLabelValue('a\\b "c"\nd')).toBe('a\\\\b \\"c\\"\\nd')
  })

  it("escapes backslash and line feed in help text, but not double quotes", () => {
    expect(escapeHelp('say "hi"\\\nbye')).toBe('say "hi"\\\\\\nbye')
  })

  it("formats special values the way Prometheus parses them", () => {
    expect([
      formatValue(Number.POSITIVE_INFINITY),
      formatValue(Number.NEGATIVE_INFINITY),
      formatValue(Number.NaN)
    ]).toEqual(["+Inf", "-Inf", "NaN"])
    expect([formatValue(3), formatValue(0.25), formatValue(1_764_000_000.25)]).toEqual([
      "3",
      "0.25",
      "1764000000.25"
    ])
  })

  it("renders HELP and TYPE lines before the samples, labels in the given order", () => {
    expect(
      renderFamily({
        name: "x_total",
        help: "Things.",
        type: "counter",
        samples: [
          {
            labels: [
              ["b", "2"],
              ["a", "1"]
            ],
            value: 4
          },
          { labels: [], value: 1 }
        ]
      })
    ).toBe('# HELP x_total Things.\n# TYPE x_total counter\nx_total{b="2",a="1"} 4\nx_total 1\n')
  })

  it("renders a family without samples as its HELP and TYPE lines only", () => {
    expect(render([{ name: "y", help: "Y.", type: "gauge", samples: [] }])).toBe(
      "# HELP y Y.\n# TYPE y gauge\n"
    )
  })
})

describe("worker metrics", () => {
  const text = renderMetrics(snapshot, perConnection)

  it("declares every family once, with HELP and TYPE, and ends with a line feed", () => {
    const types = lines(text).filter((line) => line.startsWith("# TYPE "))
    const names = types.map((line) => line.split(" ")[2])
    expect(new Set(names).size).toBe(names.length)
    expect(types).toEqual(
      expect.arrayContaining([
        "# TYPE seatsync_sync_runs_total counter",
        "# TYPE seatsync_sync_runs_running gauge",
        "# TYPE seatsync_sync_run_duration_seconds histogram",
        "# TYPE seatsync_records_total counter",
        "# TYPE seatsync_api_calls_total counter",
        "# TYPE seatsync_api_rate_limited_total counter",
        "# TYPE seatsync_api_retries_total counter",
        "# TYPE seatsync_api_slept_seconds_total counter",
        "# TYPE seatsync_last_success_timestamp_seconds gauge",
        "# TYPE seatsync_connection_paused gauge",
        "# TYPE seatsync_connection_paused_info gauge",
        "# TYPE seatsync_connection_consecutive_failures gauge",
        "# TYPE seatsync_worker_jobs_in_flight gauge",
        "# TYPE seatsync_worker_draining gauge",
        "# TYPE seatsync_worker_start_time_seconds gauge"
      ])
    )
    for (const name of names) expect(text).toContain(`# HELP ${name} `)
    expect(text.endsWith("\n")).toBe(true)
  })

  it("counts finished runs per connection and status, zero for statuses never reached", () => {
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        'seatsync_sync_runs_total{connection="acme",status="succeeded"} 2',
        'seatsync_sync_runs_total{connection="acme",status="failed"} 1',
        'seatsync_sync_runs_total{connection="acme",status="interrupted"} 0',
        'seatsync_sync_runs_total{connection="globex",status="succeeded"} 0',
        'seatsync_sync_runs_running{connection="acme"} 0',
        'seatsync_sync_runs_running{connection="globex"} 1'
      ])
    )
  })

  it("sums API cost over finished runs of every status", () => {
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        'seatsync_api_calls_total{connection="acme"} 125',
        'seatsync_api_rate_limited_total{connection="acme"} 3',
        'seatsync_api_retries_total{connection="acme"} 3',
        'seatsync_api_slept_seconds_total{connection="acme"} 4.5',
        'seatsync_api_calls_total{connection="globex"} 0'
      ])
    )
  })

  it("sums records per entity across a connection's finished runs", () => {
    expect(lines(text).filter((line) => line.startsWith("seatsync_records_total{"))).toEqual([
      'seatsync_records_total{connection="acme",entity="org_group"} 10',
      'seatsync_records_total{connection="acme",entity="org_user"} 250'
    ])
  })

  it("renders the duration histogram with cumulative buckets, +Inf, sum and count", () => {
    const succeeded = lines(text).filter((line) =>
      line.startsWith('seatsync_sync_run_duration_seconds_bucket{connection="acme",status="succeeded"')
    )
    expect(succeeded).toHaveLength(durationBuckets.length + 1)
    expect(succeeded[0]).toBe(
      'seatsync_sync_run_duration_seconds_bucket{connection="acme",status="succeeded",le="5"} 0'
    )
    expect(succeeded[1]).toBe(
      'seatsync_sync_run_duration_seconds_bucket{connection="acme",status="succeeded",le="15"} 1'
    )
    expect(succeeded.at(-1)).toBe(
      'seatsync_sync_run_duration_seconds_bucket{connection="acme",status="succeeded",le="+Inf"} 2'
    )
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        'seatsync_sync_run_duration_seconds_sum{connection="acme",status="succeeded"} 70',
        'seatsync_sync_run_duration_seconds_count{connection="acme",status="succeeded"} 2',
        'seatsync_sync_run_duration_seconds_count{connection="acme",status="failed"} 1'
      ])
    )
    // A run still running has no duration yet.
    expect(text).not.toContain('seatsync_sync_run_duration_seconds_count{connection="globex"')
  })

  it("reports pause state, the escaped reason, the failure streak and the last success", () => {
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        'seatsync_connection_paused{connection="acme"} 0',
        'seatsync_connection_paused{connection="globex"} 1',
        'seatsync_connection_paused_info{connection="globex",reason="key \\"revoked\\"\\nsee C:\\\\keys"} 1',
        'seatsync_connection_consecutive_failures{connection="globex"} 3',
        'seatsync_last_success_timestamp_seconds{connection="acme"} 1764000000.25',
        'seatsync_last_success_timestamp_seconds{connection="globex"} 0'
      ])
    )
    expect(text).not.toContain('seatsync_connection_paused_info{connection="acme"')
  })

  it("cuts a long pause reason in its label", () => {
    const long = renderMetrics({
      ...snapshot,
      connections: [
        {
          connection: "acme",
          orgId: "org-acme",
          pausedReason: "x".repeat(500),
          consecutiveFailures: 5,
          lastSuccessSeconds: null
        }
      ]
    })
    const info = lines(long).find((line) => line.startsWith("seatsync_connection_paused_info{"))
    expect(info).toBe(`seatsync_connection_paused_info{connection="acme",reason="${"x".repeat(199)}…"} 1`)
  })

  it("reports this process's jobs in flight, draining and start time", () => {
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        "seatsync_worker_jobs_in_flight 2",
        "seatsync_worker_draining 0",
        "seatsync_worker_start_time_seconds 1795867200.5"
      ])
    )
    const draining = renderMetrics({ ...snapshot, process: { ...snapshot.process, draining: true } })
    expect(lines(draining)).toContain("seatsync_worker_draining 1")
  })

  it("with no connection, lists no per-connection series: only the fleet's and this process's gauges", () => {
    const empty = renderMetrics({ runs: [], connections: [], process: snapshot.process }, perConnection)
    expect(lines(empty).filter((line) => line !== "" && !line.startsWith("#"))).toEqual([
      "seatsync_connections 0",
      "seatsync_connections_paused 0",
      "seatsync_connections_failing 0",
      "seatsync_connections_never_succeeded 0",
      "seatsync_last_success_oldest_timestamp_seconds 0",
      "seatsync_connections_sharing_organisation 0",
      "seatsync_worker_jobs_in_flight 2",
      "seatsync_worker_backfills_in_flight 0",
      "seatsync_worker_slots_deferred_total 0",
      "seatsync_worker_draining 0",
      "seatsync_worker_start_time_seconds 1795867200.5"
    ])
  })
})

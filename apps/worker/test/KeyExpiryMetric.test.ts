/**
 * The days left before each connection's API key expires, on `/metrics`: Atlassian sends no warning, so the
 * worker exports what `connect --key-expires` recorded — the keys within 30 days of expiring (or past it) by
 * default, every recorded one with SEATSYNC_METRICS_PER_CONNECTION.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Metrics from "../src/ops/Metrics.js"

const snapshot: Metrics.MetricsSnapshot = {
  runs: [],
  connections: [],
  process: {
    startedAt: new Date(0),
    draining: false,
    jobsInFlight: 0,
    backfillsInFlight: 0,
    slotsDeferred: 0
  },
  keyExpiries: [
    { connection: "globex", daysLeft: 200 },
    { connection: "acme", daysLeft: 12 },
    { connection: "initech", daysLeft: -3 }
  ]
}

describe("seatsync_api_key_days_left", () => {
  it("lists the keys within 30 days of expiring or past it, by connection name", () => {
    const text = Metrics.render(snapshot)
    expect(text).toContain("# TYPE seatsync_api_key_days_left gauge\n")
    expect(text).toContain('seatsync_api_key_days_left{connection="acme"} 12\n')
    expect(text).toContain('seatsync_api_key_days_left{connection="initech"} -3\n')
    expect(text).not.toContain('seatsync_api_key_days_left{connection="globex"}')
  })

  it("lists every recorded key with per-connection metrics, and no family when none is recorded", () => {
    expect(Metrics.render(snapshot, { perConnection: true })).toContain(
      'seatsync_api_key_days_left{connection="globex"} 200\n'
    )
    expect(Metrics.render({ ...snapshot, keyExpiries: [] })).not.toContain("seatsync_api_key_days_left")
  })
})

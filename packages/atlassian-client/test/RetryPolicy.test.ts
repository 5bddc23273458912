import { describe, expect, it } from "@effect/vitest"
import { serverRequestedDelay } from "../src/index.js"

const now = Date.parse("2026-11-28T12:00:00Z")

describe("serverRequestedDelay", () => {
  it("reads Retry-After in seconds", () => {
    expect(serverRequestedDelay({ "retry-after": "7" }, now)).toBe(7000)
    expect(serverRequestedDelay({ "retry-after": "0.5" }, now)).toBe(500)
  })

  it("reads Retry-After as an HTTP date", () => {
    expect(serverRequestedDelay({ "retry-after": "Sat, 28 Nov 2026 12:00:30 GMT" }, now)).toBe(30_000)
  })

  it("falls back to X-RateLimit-Reset (ISO-8601) when Retry-After is absent or unreadable", () => {
    expect(serverRequestedDelay({ "x-ratelimit-reset": "2026-11-28T12:01:00Z" }, now)).toBe(60_000)
    expect(
      serverRequestedDelay({ "retry-after": "soon", "x-ratelimit-reset": "2026-11-28T12:00:02Z" }, now)
    ).toBe(2000)
  })

  it("ignores X-RateLimit-Reset when told to (a 5xx is no rate limit)", () => {
    expect(
      serverRequestedDelay({ "x-ratelimit-reset": "2026-11-28T12:01:00Z" }, now, { useRateLimitReset: false })
    ).toBeUndefined()
    expect(serverRequestedDelay({ "retry-after": "3" }, now, { useRateLimitReset: false })).toBe(3000)
  })

  it("never returns a negative delay and is undefined without usable headers", () => {
    expect(serverRequestedDelay({ "x-ratelimit-reset": "2026-11-28T11:00:00Z" }, now)).toBe(0)
    expect(serverRequestedDelay({}, now)).toBeUndefined()
    expect(serverRequestedDelay({ "x-ratelimit-reset": "garbage" }, now)).toBeUndefined()
  })
})

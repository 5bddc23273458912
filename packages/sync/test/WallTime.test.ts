/**
 * `formatWallTime`: the one way a wall time is written (sync --plan, doctor, the worker's warning) — whole
 * seconds rounded up, minutes and seconds under an hour, hours, minutes and seconds above.
 */
import { describe, expect, it } from "@effect/vitest"
import { formatWallTime } from "../src/index.js"

describe("formatWallTime", () => {
  it("writes seconds alone under a minute, rounded up", () => {
    expect(formatWallTime(0)).toBe("0 s")
    expect(formatWallTime(41.2)).toBe("42 s")
    expect(formatWallTime(59.5)).toBe("1 min 0 s")
  })

  it("writes minutes and seconds under an hour", () => {
    expect(formatWallTime(60)).toBe("1 min 0 s")
    expect(formatWallTime(242)).toBe("4 min 2 s")
    expect(formatWallTime(900)).toBe("15 min 0 s")
  })

  it("writes hours, minutes and seconds from an hour on", () => {
    expect(formatWallTime(3600)).toBe("1 h 0 min 0 s")
    expect(formatWallTime(2 * 3600 + 5 * 60 + 3)).toBe("2 h 5 min 3 s")
    expect(formatWallTime(26 * 3600 + 1)).toBe("26 h 0 min 1 s")
  })
})

import { describe, expect, it } from "@effect/vitest"
import { asksForHelp, usage } from "../src/Usage.js"

describe("seatsync-worker --help", () => {
  it("is asked for with --help or -h, and never by the worker's own flags", () => {
    expect(asksForHelp(["--help"])).toBe(true)
    expect(asksForHelp(["-h"])).toBe(true)
    expect(asksForHelp(["--once"])).toBe(false)
    expect(asksForHelp([])).toBe(false)
  })

  it("names every way to run it and the exit codes", () => {
    for (const line of ["seatsync-worker --once", "seatsync-worker --help", "Exit codes"]) {
      expect(usage).toContain(line)
    }
  })
})

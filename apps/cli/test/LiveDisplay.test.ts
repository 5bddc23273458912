import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { frame, interruptedLine, liveDisplay } from "../src/progress/LiveDisplay.js"

const csi = "\u001b["

describe("live display frames", () => {
  it("draws the first frame where the cursor is, clearing each line's rest and what lies below", () => {
    expect(frame(0, ["a", "b"], 80)).toBe(`a${csi}K\nb${csi}K\n${csi}J`)
  })

  it("moves back to the start of the previous frame before drawing the next", () => {
    expect(frame(3, ["x"], 80)).toBe(`${csi}3Fx${csi}K\n${csi}J`)
  })

  it("cuts lines to the terminal's width so that none wraps", () => {
    expect(frame(0, ["abcdefghij"], 6)).toBe(`abcd…${csi}K\n${csi}J`)
    expect(frame(0, ["abcde"], 6)).toBe(`abcde${csi}K\n${csi}J`)
    // Counted in characters, not UTF-16 units: the bar's blocks take one cell each.
    expect(frame(0, ["██████"], 6)).toBe(`████…${csi}K\n${csi}J`)
  })
})

describe("live display", () => {
  const recorder = () => {
    const writes: Array<string> = []
    return { writes, output: { columns: 40, write: (text: string) => writes.push(text) } }
  }
  const render = (count: number, elapsedMillis: number) => [`count ${count} at ${elapsedMillis} ms`]

  it.scoped("redraws at most every 100 ms, in place, and leaves the last frame with the cursor shown", () =>
    Effect.gen(function* () {
      const { writes, output } = recorder()
      yield* Effect.scoped(
        Effect.gen(function* () {
          const display = yield* liveDisplay({ initial: 0, render, output })
          yield* display.update((n) => n + 1)
          yield* display.update((n) => n + 1)
          // Updates alone draw nothing; the next tick does.
          const before = writes.length
          yield* TestClock.adjust("100 millis")
          expect(writes.slice(before)).toEqual([`${csi}1Fcount 2 at 100 ms${csi}K\n${csi}J`])
        })
      )
      expect(writes[0]).toBe(`${csi}?25l`)
      expect(writes[1]).toBe(`count 0 at 0 ms${csi}K\n${csi}J`)
      expect(writes.slice(-2)).toEqual([`${csi}1Fcount 2 at 100 ms${csi}K\n${csi}J`, `${csi}?25h`])
    })
  )

  it.scoped("says it was interrupted in its last frame when Ctrl-C ends the work", () =>
    Effect.gen(function* () {
      const { writes, output } = recorder()
      const fiber = yield* Effect.fork(
        Effect.scoped(Effect.zipRight(liveDisplay({ initial: 5, render, output }), Effect.never))
      )
      yield* TestClock.adjust("50 millis")
      yield* Fiber.interrupt(fiber)
      expect(writes.slice(-2)).toEqual([
        `${csi}1Fcount 5 at 50 ms${csi}K\n${interruptedLine}${csi}K\n${csi}J`,
        `${csi}?25h`
      ])
    })
  )
})

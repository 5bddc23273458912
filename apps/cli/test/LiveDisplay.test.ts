import { describe, expect, it } from "@effect/vitest"
import { frame } from "../src/progress/LiveDisplay.js"

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

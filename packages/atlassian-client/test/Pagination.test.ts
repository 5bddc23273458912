import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { cursorFromNextUrl, paginate } from "../src/index.js"

const pages: Record<string, { items: ReadonlyArray<number>; next: string | undefined }> = {
  start: { items: [1, 2], next: "b" },
  b: { items: [3], next: "c" },
  c: { items: [], next: "" }
}

describe("paginate", () => {
  it.effect("walks pages until the next cursor is absent or empty", () =>
    Effect.gen(function* () {
      const calls: Array<string | undefined> = []
      const items = yield* paginate("GET /test", (cursor) =>
        Effect.sync(() => {
          calls.push(cursor)
          return pages[cursor ?? "start"]!
        })
      ).pipe(Stream.runCollect)
      expect(Chunk.toReadonlyArray(items)).toEqual([1, 2, 3])
      expect(calls).toEqual([undefined, "b", "c"])
    })
  )

  it.effect("fails with RepeatedCursor instead of looping when a cursor comes back", () =>
    Effect.gen(function* () {
      let calls = 0
      const error = yield* paginate("GET /loop", (cursor) =>
        Effect.sync(() => {
          calls += 1
          return { items: [calls], next: cursor === undefined ? "x" : cursor === "x" ? "y" : "x" }
        })
      ).pipe(Stream.runDrain, Effect.flip)
      expect(error._tag).toBe("RepeatedCursor")
      expect(error.page).toBe(3)
      expect(calls).toBe(3)
    })
  )

  it.effect("starts afresh for every run of the same stream", () =>
    Effect.gen(function* () {
      const stream = paginate("GET /test", (cursor) => Effect.succeed(pages[cursor ?? "start"]!))
      expect(yield* Stream.runCount(stream)).toBe(3)
      expect(yield* Stream.runCount(stream)).toBe(3)
    })
  )
})

describe("cursorFromNextUrl", () => {
  it("reads the cursor parameter of a v1 next link", () => {
    expect(cursorFromNextUrl("https://api.atlassian.com/admin/v1/orgs/o/users?cursor=abc%3D%3D")).toBe(
      "abc=="
    )
    expect(cursorFromNextUrl(undefined)).toBeUndefined()
    expect(cursorFromNextUrl("")).toBeUndefined()
  })
})

import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import {
  cursorFromNextUrl,
  cursorFromNextUrlOrToken,
  Endpoints,
  type ListPage,
  type PageRequest,
  pageSizeFor,
  paginate,
  v1LinkPages,
  v1TokenPages,
  v2CursorOnlyPages,
  v2QueryPages,
  v2SearchPages
} from "../src/index.js"

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

describe("cursorFromNextUrlOrToken", () => {
  it("reads a cursor from a next URL and takes a bare token as it is", () => {
    expect(cursorFromNextUrlOrToken("https://api.atlassian.com/admin/v2/orgs/o/workspaces?cursor=t1")).toBe(
      "t1"
    )
    expect(cursorFromNextUrlOrToken("t2")).toBe("t2")
    expect(cursorFromNextUrlOrToken("")).toBeUndefined()
    expect(cursorFromNextUrlOrToken(undefined)).toBeUndefined()
  })
})

/** A fake Admin API list of `total` numbered items, `size` a page, that records every page request. */
const recordedList = (
  total: number,
  size: number,
  nextOf: (position: number) => string
): {
  readonly requests: Array<PageRequest>
  readonly fetchPage: (request: PageRequest) => Effect.Effect<ListPage<number>>
} => {
  const requests: Array<PageRequest> = []
  const positionOf = (request: PageRequest) => {
    const body: { readonly cursor?: unknown } | undefined = request.body
    const cursor = request.urlParams?.cursor ?? body?.cursor
    return typeof cursor === "string" ? Number(cursor.replace(/^\D*/, "")) : 0
  }
  const fetchPage = (request: PageRequest) =>
    Effect.sync(() => {
      requests.push(request)
      const position = positionOf(request)
      const end = Math.min(total, position + size)
      return {
        data: Array.from({ length: end - position }, (_, index) => position + index),
        links: end < total ? { next: nextOf(end) } : {}
      }
    })
  return { requests, fetchPage }
}

describe("the paginator of each page kind", () => {
  it.effect("v1Link sends the cursor as a query parameter and reads it back from the next URL", () =>
    Effect.gen(function* () {
      const list = recordedList(5, 2, (end) => `https://api.atlassian.com/admin/v1/orgs?cursor=p${end}`)
      const items = yield* v1LinkPages(Endpoints.orgs, list.fetchPage).pipe(Stream.runCollect)
      expect(Chunk.toReadonlyArray(items)).toEqual([0, 1, 2, 3, 4])
      expect(list.requests).toEqual([
        { urlParams: { cursor: undefined } },
        { urlParams: { cursor: "p2" } },
        { urlParams: { cursor: "p4" } }
      ])
    })
  )

  it.effect("v1Token makes each page's record one item and follows the bare token", () =>
    Effect.gen(function* () {
      const requests: Array<PageRequest> = []
      const records = yield* v1TokenPages(Endpoints.lastActiveDates, (request) =>
        Effect.sync(() => {
          requests.push(request)
          return request.urlParams?.cursor === undefined
            ? { data: "first", links: { next: "t1" } }
            : { data: "second", links: {} }
        })
      ).pipe(Stream.runCollect)
      expect(Chunk.toReadonlyArray(records)).toEqual(["first", "second"])
      expect(requests).toEqual([{ urlParams: { cursor: undefined } }, { urlParams: { cursor: "t1" } }])
    })
  )

  it.effect("v2Query sends filters and limit on the first page and only the cursor after it", () =>
    Effect.gen(function* () {
      const list = recordedList(5, 3, (end) => `c${end}`)
      const items = yield* v2QueryPages(
        Endpoints.userRoleAssignments,
        { roleIds: "atlassian/user", resourceIds: undefined },
        3,
        list.fetchPage
      ).pipe(Stream.runCollect)
      expect(Chunk.size(items)).toBe(5)
      expect(list.requests).toEqual([
        { urlParams: { roleIds: "atlassian/user", resourceIds: undefined, limit: "3" } },
        { urlParams: { cursor: "c3" } }
      ])
    })
  )

  it.effect("v2Search keeps the filters and limit in every body and adds the cursor", () =>
    Effect.gen(function* () {
      const list = recordedList(250, 100, (end) => `c${end}`)
      const pages = yield* v2SearchPages(
        Endpoints.usersSearch,
        { status: ["active"] },
        undefined,
        list.fetchPage
      ).pipe(Stream.chunks, Stream.runCollect)
      expect(Chunk.toReadonlyArray(pages).map(Chunk.size)).toEqual([100, 100, 50])
      expect(list.requests.map((request) => request.body)).toEqual([
        { status: ["active"], limit: 100 },
        { status: ["active"], limit: 100, cursor: "c100" },
        { status: ["active"], limit: 100, cursor: "c200" }
      ])
    })
  )

  it.effect("v2CursorOnly sends only the cursor after the first page, from a URL or a bare token", () =>
    Effect.gen(function* () {
      const list = recordedList(5, 2, (end) => (end === 2 ? `c${end}` : `https://x.invalid/w?cursor=c${end}`))
      const query = { name: "jira" }
      const items = yield* v2CursorOnlyPages(Endpoints.workspaces, query, 2, list.fetchPage).pipe(
        Stream.runCollect
      )
      expect(Chunk.size(items)).toBe(5)
      expect(list.requests.map((request) => request.body)).toEqual([
        { limit: 2, query },
        { cursor: "c2" },
        { cursor: "c4" }
      ])
      const withoutQuery = recordedList(1, 1000, (end) => `c${end}`)
      yield* v2CursorOnlyPages(Endpoints.workspaces, undefined, undefined, withoutQuery.fetchPage).pipe(
        Stream.runDrain
      )
      expect(withoutQuery.requests).toEqual([{ body: { limit: 1000 } }])
    })
  )

  it("asks for the endpoint's largest page unless the caller asks for less, never outside 1 and it", () => {
    expect(pageSizeFor(Endpoints.usersSearch, undefined)).toBe(100)
    expect(pageSizeFor(Endpoints.usersSearch, 25)).toBe(25)
    expect(pageSizeFor(Endpoints.usersSearch, 5000)).toBe(100)
    expect(pageSizeFor(Endpoints.usersSearch, 0)).toBe(1)
    expect(pageSizeFor(Endpoints.usersSearch, 2.7)).toBe(2)
    expect(pageSizeFor(Endpoints.workspaces, undefined)).toBe(1000)
  })
})

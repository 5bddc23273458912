/**
 * Cursor pagination as a `Stream`: one page function per endpoint knows the cursor format; this module
 * walks pages until the API stops handing out cursors, and refuses to follow a cursor twice.
 */
import { Chunk, Effect, Option, Stream } from "effect"
import { RepeatedCursor } from "./Errors.js"

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** The cursor for the next page; undefined or empty when this was the last page. */
  readonly next: string | undefined
}

/**
 * Streams every item of every page. Each page is one chunk of the stream, so `Stream.chunks` gives pages.
 * A cursor that comes back a second time fails the stream with `RepeatedCursor` instead of looping forever.
 */
export const paginate = <A, E, R>(
  endpoint: string,
  fetchPage: (cursor: string | undefined) => Effect.Effect<Page<A>, E, R>
): Stream.Stream<A, E | RepeatedCursor, R> =>
  Stream.suspend(() => {
    const seen = new Set<string>()
    let pageNumber = 0
    return Stream.paginateChunkEffect(undefined as string | undefined, (cursor) =>
      fetchPage(cursor).pipe(
        Effect.flatMap((page) => {
          pageNumber += 1
          const next = page.next === undefined || page.next === "" ? undefined : page.next
          if (next !== undefined) {
            if (seen.has(next)) return Effect.fail(new RepeatedCursor({ endpoint, page: pageNumber }))
            seen.add(next)
          }
          return Effect.succeed([Chunk.fromIterable(page.items), Option.fromNullable(next)] as const)
        })
      )
    )
  })

/** v1 endpoints return `links.next` as a URL; the cursor is its `cursor` query parameter. */
export const cursorFromNextUrl = (next: string | undefined): string | undefined => {
  if (next === undefined || next === "") return undefined
  try {
    return new URL(next, "https://placeholder.invalid").searchParams.get("cursor") ?? undefined
  } catch {
    return undefined
  }
}

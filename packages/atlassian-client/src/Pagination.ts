/**
 * Cursor pagination as `Stream`s: `paginate` walks pages until the API stops handing out cursors and
 * refuses to follow a cursor twice; one paginator per page kind of the endpoint table (`Endpoints.PageKind`)
 * is the only place that knows how that kind sends its cursor and reads the next one.
 */
import { Chunk, Effect, Option, Stream } from "effect"
import type { PageKind } from "./Endpoints.js"
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

/** A next link that is either a URL with a `cursor` parameter or the bare token itself. */
export const cursorFromNextUrlOrToken = (next: string | undefined): string | undefined => {
  if (next === undefined || next === "") return undefined
  return /^https?:\/\//.test(next) ? cursorFromNextUrl(next) : next
}

/** What one page request adds to the endpoint's call: query parameters (GET) or a JSON body (POST). */
export interface PageRequest {
  readonly urlParams?: Readonly<Record<string, string | undefined>>
  readonly body?: object
}

/** The Admin API's list page: the items in `data`, the continuation in `links.next`. */
export interface ListPage<A> {
  readonly data?: ReadonlyArray<A> | undefined
  readonly links?: { readonly next?: string | undefined } | undefined
}

/** A page that carries one record in `data` (`last-active-dates`). */
export interface RecordPage<A> {
  readonly data?: A | undefined
  readonly links?: { readonly next?: string | undefined } | undefined
}

/** The part of an `Endpoints` entry a paginator needs: its name, its page kind and largest page size. */
export interface Pageable<Kind extends PageKind> {
  readonly name: string
  readonly pages: Kind
  readonly maxPageSize: Kind extends "v2Query" | "v2Search" | "v2CursorOnly" ? number : undefined
}

/** The page size to send: what the caller asked for, within 1 and the endpoint's maximum (the default). */
export const pageSizeFor = (
  endpoint: Pageable<"v2Query" | "v2Search" | "v2CursorOnly">,
  requested: number | undefined
): number => Math.min(endpoint.maxPageSize, Math.max(1, Math.trunc(requested ?? endpoint.maxPageSize)))

type FetchPage<P, E, R> = (request: PageRequest) => Effect.Effect<P, E, R>

/** `v1Link` (`GET /v1/orgs`, `GET /v1/orgs/{orgId}/users`): the cursor is read from the `links.next` URL. */
export const v1LinkPages = <A, E, R>(
  endpoint: Pageable<"v1Link">,
  fetchPage: FetchPage<ListPage<A>, E, R>
): Stream.Stream<A, E | RepeatedCursor, R> =>
  paginate(endpoint.name, (cursor) =>
    fetchPage({ urlParams: { cursor } }).pipe(
      Effect.map((page) => ({ items: page.data ?? [], next: cursorFromNextUrl(page.links?.next) }))
    )
  )

/** `v1Token` (`last-active-dates`): `links.next` is the bare token; each page's record is one item. */
export const v1TokenPages = <A, E, R>(
  endpoint: Pageable<"v1Token">,
  fetchPage: FetchPage<RecordPage<A>, E, R>
): Stream.Stream<A, E | RepeatedCursor, R> =>
  paginate(endpoint.name, (cursor) =>
    fetchPage({ urlParams: { cursor } }).pipe(
      Effect.map((page) => ({
        items: page.data === undefined ? [] : [page.data],
        next: page.links?.next
      }))
    )
  )

/** `v2Query` (a v2 GET list): the first page carries the filters and `limit`; later pages only the cursor. */
export const v2QueryPages = <A, E, R>(
  endpoint: Pageable<"v2Query">,
  filters: Readonly<Record<string, string | undefined>>,
  pageSize: number | undefined,
  fetchPage: FetchPage<ListPage<A>, E, R>
): Stream.Stream<A, E | RepeatedCursor, R> => {
  const limit = String(pageSizeFor(endpoint, pageSize))
  return paginate(endpoint.name, (cursor) =>
    fetchPage({ urlParams: cursor === undefined ? { ...filters, limit } : { cursor } }).pipe(
      Effect.map((page) => ({ items: page.data ?? [], next: page.links?.next }))
    )
  )
}

/** `v2Search` (a v2 search POST): the cursor travels in the body next to the unchanged filters. */
export const v2SearchPages = <A, E, R>(
  endpoint: Pageable<"v2Search">,
  query: object,
  pageSize: number | undefined,
  fetchPage: FetchPage<ListPage<A>, E, R>
): Stream.Stream<A, E | RepeatedCursor, R> => {
  const limit = pageSizeFor(endpoint, pageSize)
  return paginate(endpoint.name, (cursor) =>
    fetchPage({ body: cursor === undefined ? { ...query, limit } : { ...query, limit, cursor } }).pipe(
      Effect.map((page) => ({ items: page.data ?? [], next: page.links?.next }))
    )
  )
}

/**
 * `v2CursorOnly` (`POST /v2/orgs/{orgId}/workspaces`): documented as "when `cursor` is present no other
 * property may be present", so later pages send only the cursor. `links.next` is declared a URL but
 * Atlassian hands out a bare token; both are accepted.
 */
export const v2CursorOnlyPages = <A, E, R>(
  endpoint: Pageable<"v2CursorOnly">,
  query: object | undefined,
  pageSize: number | undefined,
  fetchPage: FetchPage<ListPage<A>, E, R>
): Stream.Stream<A, E | RepeatedCursor, R> => {
  const limit = pageSizeFor(endpoint, pageSize)
  return paginate(endpoint.name, (cursor) =>
    fetchPage({
      body: cursor !== undefined ? { cursor } : query === undefined ? { limit } : { limit, query }
    }).pipe(
      Effect.map((page) => ({ items: page.data ?? [], next: cursorFromNextUrlOrToken(page.links?.next) }))
    )
  )
}

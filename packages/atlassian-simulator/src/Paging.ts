/**
 * The simulator's pagination rule: walk a candidate sequence from a position and take up to `limit`
 * matches; a full page always has a next cursor, so a total that is a multiple of the limit ends with an
 * empty page (deliberately, so clients get tested on it).
 */

export interface PageSlice<A> {
  readonly items: ReadonlyArray<A>
  /** Where the next page starts, when this page is full. */
  readonly nextPosition: number | undefined
}

/** `itemAt(position)` returns the item at that position, or undefined when it does not match. */
export const slicePage = <A>(
  length: number,
  itemAt: (position: number) => A | undefined,
  start: number,
  limit: number
): PageSlice<A> => {
  const items: Array<A> = []
  let position = start
  while (position < length && items.length < limit) {
    const item = itemAt(position)
    position += 1
    if (item !== undefined) items.push(item)
  }
  return { items, nextPosition: items.length === limit ? position : undefined }
}

/**
 * Listing pages whose records are decoded one by one: the page's shape (a `data` array, its links) is the
 * page's contract, each record is its own. A record that breaks its schema becomes an `InvalidRecord` with
 * the offending path, and the page goes on; only a page that is not a page fails the listing.
 */
import { Data, Either, ParseResult, Schema } from "effect"

/** A record of a listing that does not match the record's schema, as received. */
export class InvalidRecord extends Data.TaggedClass("InvalidRecord")<{
  /** `METHOD /template` of the listing. */
  readonly endpoint: string
  /** The first offending path inside the record, e.g. `accountId`; empty for the record itself. */
  readonly path: string
  /** What is wrong there, e.g. `Expected string, actual 12345`. */
  readonly detail: string
  /** The record exactly as the page carried it. */
  readonly record: unknown
}> {}

/** One record of a listing: decoded, or why it could not be. */
export type Listed<A> = Either.Either<A, InvalidRecord>

/** A v2 listing page with its records left undecoded (`data` may be absent on an empty page). */
export const ListingPage = Schema.Struct({
  data: Schema.optional(Schema.Array(Schema.Unknown)),
  links: Schema.optional(Schema.Struct({ next: Schema.optional(Schema.String) }))
})
export type ListingPage = typeof ListingPage.Type

/** Decodes one record of `endpoint`'s listing against `schema`. */
export const decodeRecord = <A, I>(endpoint: string, schema: Schema.Schema<A, I>) => {
  // Built once per listing, not once per record.
  const decode = Schema.decodeUnknownEither(schema)
  return (record: unknown): Listed<A> =>
    Either.mapLeft(decode(record), (error) => {
      const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      return new InvalidRecord({
        endpoint,
        path: first === undefined ? "" : first.path.map(String).join("."),
        detail: first === undefined ? error.message : first.message,
        record
      })
    })
}

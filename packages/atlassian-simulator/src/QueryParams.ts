/**
 * Query-string parameters as the v2 GET endpoints take them: arrays either repeated (`?a=1&a=2`) or
 * comma-separated (`?a=1,2`), both accepted; booleans as `true`/`false`; validated with a `Schema` so the
 * 400 detail names the parameter.
 */
import { Either, ParseResult, Schema } from "effect"

/** Every value of a list parameter, split on commas, empty items dropped; undefined when absent. */
export const listParam = (params: URLSearchParams, name: string): Array<string> | undefined => {
  const raw = params.getAll(name)
  if (raw.length === 0) return undefined
  return raw.flatMap((value) => value.split(",")).filter((item) => item !== "")
}

/** The first validation problem, as `path: message`. */
export const describeParseError = (error: ParseResult.ParseError): string => {
  const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  if (first === undefined) return error.message
  return first.path.length === 0 ? first.message : `${first.path.map(String).join(".")}: ${first.message}`
}

/**
 * Reads the named list and scalar parameters into an object (absent ones left out; a boolean parameter
 * must be `true` or `false`) and validates it.
 */
export const decodeParams = <A, I>(
  params: URLSearchParams,
  shape: {
    readonly lists: ReadonlyArray<string>
    readonly strings: ReadonlyArray<string>
    readonly booleans: ReadonlyArray<string>
  },
  schema: Schema.Schema<A, I>
): Either.Either<A, string> => {
  const raw: Record<string, unknown> = {}
  for (const name of shape.lists) {
    const values = listParam(params, name)
    if (values !== undefined) raw[name] = values
  }
  for (const name of shape.strings) {
    const value = params.get(name)
    if (value !== null) raw[name] = value
  }
  for (const name of shape.booleans) {
    const value = params.get(name)
    if (value === null) continue
    if (value !== "true" && value !== "false") {
      return Either.left(`${name}: Expected true or false, actual "${value}"`)
    }
    raw[name] = value === "true"
  }
  return Schema.decodeUnknownEither(schema)(raw).pipe(Either.mapLeft(describeParseError))
}

/** `limit` from a query string within [1, max], `fallback` when absent; a message when invalid. */
export const limitParam = (
  raw: string | null,
  fallback: number,
  max = 100
): Either.Either<number, string> => {
  if (raw === null) return Either.right(fallback)
  if (!/^-?\d+$/.test(raw.trim())) return Either.left(`limit: Expected an integer, actual "${raw}"`)
  const limit = Number.parseInt(raw, 10)
  return limit >= 1 && limit <= max
    ? Either.right(limit)
    : Either.left(`limit: Expected an integer between 1 and ${max}, actual ${limit}`)
}

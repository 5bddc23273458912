/**
 * Opaque page cursors: a cursor carries the whole (normalised) query it belongs to, the scope it was issued
 * for, the page size and the position to resume from, sealed with a checksum so garbage is detected.
 */
import { hash32, hashString } from "./Prng.js"

export interface CursorState<Q> {
  /** Which listing and scope the cursor belongs to, e.g. `searchDirectoryUsers:<orgId>:-`. */
  readonly scope: string
  readonly query: Q
  readonly limit: number
  /** Position in the listing's candidate sequence where the page starts. */
  readonly position: number
}

const checksum = (payload: string) => hash32(hashString(payload), payload.length).toString(36)

export const encodeCursor = <Q>(state: CursorState<Q>): string => {
  const payload = Buffer.from(
    JSON.stringify([1, state.scope, state.query, state.limit, state.position])
  ).toString("base64url")
  return `${payload}.${checksum(payload)}`
}

/**
 * Decodes a cursor issued for `scope`; undefined for anything else (garbage, tampered, other scope).
 * `isQuery` re-checks the shape of the embedded query.
 */
export const decodeCursor = <Q>(
  token: string,
  scope: string,
  isQuery: (value: unknown) => value is Q,
  maxLimit = 100
): CursorState<Q> | undefined => {
  const dot = token.lastIndexOf(".")
  if (dot <= 0) return undefined
  const payload = token.slice(0, dot)
  if (token.slice(dot + 1) !== checksum(payload)) return undefined
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"))
  } catch {
    return undefined
  }
  if (!Array.isArray(decoded) || decoded.length !== 5) return undefined
  const [version, cursorScope, query, limit, position] = decoded as ReadonlyArray<unknown>
  if (version !== 1 || cursorScope !== scope || !isQuery(query)) return undefined
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > maxLimit) return undefined
  if (typeof position !== "number" || !Number.isInteger(position) || position < 0) return undefined
  return { scope, query, limit, position }
}

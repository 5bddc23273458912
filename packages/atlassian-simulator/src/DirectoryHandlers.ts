/** `getDirectoriesForOrg`: the organisation's directories as a `MultiDirectoryUserDirectoryPage`. */
import { decodeCursor, encodeCursor } from "./Cursor.js"
import { failure, type OperationResult, ok } from "./Exchange.js"
import type { Organisation } from "./Organisation.js"
import { slicePage } from "./Paging.js"

interface DirectoryQuery {
  readonly accountId?: string
  readonly directoryIds?: ReadonlyArray<string>
  readonly searchTerm?: string
}

const isStringArray = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((item) => typeof item === "string")

const isDirectoryQuery = (value: unknown): value is DirectoryQuery => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const query = value as Record<string, unknown>
  return (
    (query.accountId === undefined || typeof query.accountId === "string") &&
    (query.directoryIds === undefined || isStringArray(query.directoryIds)) &&
    (query.searchTerm === undefined || typeof query.searchTerm === "string")
  )
}

/** `limit` (1–100, default 20) from a query string; a string message when invalid. */
export const parseLimitParam = (raw: string | null, fallback: number): number | string => {
  if (raw === null) return fallback
  if (!/^-?\d+$/.test(raw.trim())) return `limit: Expected an integer, actual "${raw}"`
  const limit = Number.parseInt(raw, 10)
  return limit >= 1 && limit <= 100 ? limit : `limit: Expected an integer between 1 and 100, actual ${limit}`
}

export const getDirectoriesForOrg = (
  organisation: Organisation,
  orgId: string,
  params: URLSearchParams
): OperationResult => {
  if (orgId !== organisation.orgId) return failure(404, `Organization not found: ${orgId}`, "ADMIN-404-2")
  const scope = `getDirectoriesForOrg:${orgId}`
  let query: DirectoryQuery
  let limit: number
  let position = 0
  const cursor = params.get("cursor")
  if (cursor !== null) {
    // "If present, all other parameters are discarded."
    const state = decodeCursor(cursor, scope, isDirectoryQuery)
    if (state === undefined) return failure(400, "Invalid page cursor", "ADMIN-400-1")
    query = state.query
    limit = state.limit
    position = state.position
  } else {
    const parsedLimit = parseLimitParam(params.get("limit"), 20)
    if (typeof parsedLimit === "string") return failure(400, parsedLimit)
    limit = parsedLimit
    const directoryIds = params
      .getAll("directoryIds")
      .flatMap((value) => value.split(","))
      .filter((id) => id !== "")
    if (directoryIds.length > 10) return failure(400, "directoryIds: Expected at most 10 items")
    const accountId = params.get("accountId")
    const searchTerm = params.get("searchTerm")
    query = {
      ...(accountId === null || accountId === "" ? {} : { accountId }),
      ...(directoryIds.length === 0 ? {} : { directoryIds }),
      ...(searchTerm === null || searchTerm === "" ? {} : { searchTerm })
    }
  }

  const memberOf = (() => {
    if (query.accountId === undefined) return undefined
    const index = organisation.userIndexOfAccountId(query.accountId)
    return new Set(index === undefined ? [] : organisation.user(index).directoryIds)
  })()
  const term = query.searchTerm?.toLowerCase()
  const directories = organisation.directories
  const page = slicePage(
    directories.length,
    (at) => {
      const directory = directories[at]!
      if (query.directoryIds !== undefined && !query.directoryIds.includes(directory.directoryId))
        return undefined
      if (memberOf !== undefined && !memberOf.has(directory.directoryId)) return undefined
      if (term !== undefined && !directory.name.toLowerCase().includes(term)) return undefined
      return { directoryId: directory.directoryId, name: directory.name, icon: directory.icon }
    },
    position,
    limit
  )
  const self = encodeCursor({ scope, query, limit, position })
  return ok({
    data: page.items,
    links:
      page.nextPosition === undefined
        ? { self }
        : { self, next: encodeCursor({ scope, query, limit, position: page.nextPosition }) }
  })
}

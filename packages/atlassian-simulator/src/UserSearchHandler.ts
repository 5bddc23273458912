/**
 * `searchDirectoryUsers`: validates the body, resumes the query a cursor carries, walks the candidate
 * users from the cursor's position and renders a `MultiDirectoryUserSearchPage`.
 */
import { Either } from "effect"
import { decodeCursor, encodeCursor } from "./Cursor.js"
import { failure, type OperationResult, ok } from "./Exchange.js"
import type { Organisation } from "./Organisation.js"
import { slicePage } from "./Paging.js"
import type { CandidateSequence } from "./UserFilter.js"
import { matchesQuery } from "./UserFilter.js"
import { isUserQuery, parseUserSearchRequest, queryOf, type UserQuery } from "./UserSearchRequest.js"
import { renderUser } from "./UserView.js"

export const defaultUserSearchLimit = 50

export const searchDirectoryUsers = (
  organisation: Organisation,
  candidates: (query: UserQuery) => CandidateSequence,
  orgId: string,
  directoryId: string,
  body: string
): OperationResult => {
  if (orgId !== organisation.orgId) return failure(404, `Organization not found: ${orgId}`, "ADMIN-404-2")
  if (directoryId !== "-" && organisation.directory(directoryId) === undefined) {
    return failure(404, `Directory not found: ${directoryId}`, "ADMIN-404-1")
  }
  const parsed = parseUserSearchRequest(body)
  if (Either.isLeft(parsed)) return failure(400, parsed.left)
  const request = parsed.right
  const scope = `searchDirectoryUsers:${orgId}:${directoryId}`

  let query: UserQuery
  let limit: number
  let position = 0
  if (request.cursor !== undefined) {
    // The cursor carries the whole query; only a `limit` sent alongside it changes the page size.
    const state = decodeCursor(request.cursor, scope, isUserQuery)
    if (state === undefined) return failure(400, "Invalid page cursor", "ADMIN-400-1")
    query = state.query
    limit = request.limit ?? state.limit
    position = state.position
  } else {
    query = queryOf(request)
    limit = request.limit ?? defaultUserSearchLimit
  }

  const expand = query.expand ?? []
  const sequence = candidates(query)
  const page = slicePage(
    sequence.length,
    (at) => {
      const user = organisation.user(sequence.userIndexAt(at))
      return matchesQuery(user, query, directoryId)
        ? renderUser(organisation, user, expand, directoryId)
        : undefined
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

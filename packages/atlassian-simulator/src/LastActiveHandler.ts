/**
 * `GET /v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates`: one user's last activity per
 * product (`UserProductAccessActivityPage`), the same instants as the users-search `productAccess` expand,
 * paged by a bare cursor in `links.next`.
 */
import { decodeCursor, encodeCursor } from "./Cursor.js"
import { failure, type OperationResult, ok } from "./Exchange.js"
import type { Organisation } from "./Organisation.js"
import { secondsTimestamp, v1ProductKey } from "./ProductKeys.js"

/** Products per page; a user rarely has more, so most answers are one page. */
export const lastActivePageSize = 10

const isEmptyQuery = (value: unknown): value is Record<string, never> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0

export const getUserLastActiveDates = (
  organisation: Organisation,
  orgId: string,
  accountId: string,
  params: URLSearchParams
): OperationResult => {
  if (orgId !== organisation.orgId) return failure(404, `Organization not found: ${orgId}`, "ADMIN-404-2")
  const scope = `getUserLastActiveDates:${orgId}:${accountId}`
  let position = 0
  const cursor = params.get("cursor")
  if (cursor !== null && cursor !== "") {
    const state = decodeCursor(cursor, scope, isEmptyQuery)
    if (state === undefined) return failure(400, "Invalid page cursor", "ADMIN-400-1")
    position = state.position
  }
  const userIndex = organisation.userIndexOfAccountId(accountId)
  if (userIndex === undefined) {
    if (organisation.extraAccountIndexOf(accountId) === undefined) {
      return failure(404, `User not found: ${accountId}`, "ADMIN-404-8")
    }
    // App and customer accounts are never active in a product listed in Atlassian Administration.
    return ok({ data: { product_access: [], added_to_org: null, added_to_org_timestamp: null }, links: {} })
  }
  const user = organisation.user(userIndex)
  // "If the user has not accessed a product, the product_access response field will be empty."
  const used = user.productAccess.flatMap((access) =>
    access.lastActiveTimestamp === undefined
      ? []
      : [
          {
            id: access.id,
            key: v1ProductKey(access.key),
            last_active: access.lastActiveTimestamp.slice(0, 10),
            last_active_timestamp: secondsTimestamp(access.lastActiveTimestamp)
          }
        ]
  )
  const end = position + lastActivePageSize
  return ok({
    data: {
      product_access: used.slice(position, end),
      added_to_org: user.addedToOrg.slice(0, 10),
      added_to_org_timestamp: secondsTimestamp(user.addedToOrg)
    },
    links:
      end < used.length
        ? { next: encodeCursor({ scope, query: {}, limit: lastActivePageSize, position: end }) }
        : {}
  })
}

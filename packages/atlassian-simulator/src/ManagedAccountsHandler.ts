/**
 * `getUsers` (v1 `GET /orgs/{orgId}/users`): the managed accounts (users on verified domains, then app and
 * customer accounts) as a `UserPage` with a server-chosen page size and `links.next` as a URL.
 */
import { decodeCursor, encodeCursor } from "./Cursor.js"
import { failure, type OperationResult, ok } from "./Exchange.js"
import type { Organisation } from "./Organisation.js"
import { billableRoles } from "./OrgTables.js"
import { slicePage } from "./Paging.js"
import { v1ProductKey } from "./ProductKeys.js"

/** Atlassian chooses the page size of this endpoint; the simulator chooses 100. */
export const managedAccountsPageSize = 100

const isEmptyQuery = (value: unknown): value is Record<string, never> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0

/** One managed account of the listing at `position` (users first, then app/customer accounts). */
const accountAt = (organisation: Organisation, adminBaseUrl: string, position: number) => {
  const self = (accountId: string) =>
    `${adminBaseUrl}/v1/orgs/${organisation.orgId}/users/${encodeURIComponent(accountId)}`
  if (position >= organisation.userCount) {
    const account = organisation.extraAccount(position - organisation.userCount)
    return {
      account_id: account.accountId,
      account_type: account.accountType,
      account_status: account.accountStatus,
      name: account.name,
      picture: account.picture,
      ...(account.email === undefined ? {} : { email: account.email }),
      access_billable: false,
      product_access: [],
      links: { self: self(account.accountId) }
    }
  }
  const user = organisation.user(position)
  if (user.claimStatus !== "managed") return undefined
  let lastActive: string | undefined
  const productAccess = user.productAccess.flatMap((access) => {
    const product = organisation.product(access.id)
    if (product === undefined) return []
    const stamp = access.lastActiveTimestamp
    if (stamp !== undefined && (lastActive === undefined || stamp > lastActive)) lastActive = stamp
    return [
      {
        key: v1ProductKey(access.key),
        name: product.name,
        url: product.hostUrl.replace(/^https:\/\//, ""),
        ...(stamp === undefined ? {} : { last_active: stamp })
      }
    ]
  })
  return {
    account_id: user.accountId,
    account_type: user.accountType,
    account_status: user.accountStatus,
    name: user.name,
    picture: user.picture,
    ...(user.email === undefined ? {} : { email: user.email }),
    // Guard Standard bills active managed accounts that hold a billable product role.
    access_billable: user.status === "active" && user.roles.some((role) => billableRoles.has(role.role)),
    ...(lastActive === undefined ? {} : { last_active: lastActive }),
    product_access: productAccess,
    links: { self: self(user.accountId) }
  }
}

export const getUsers = (
  organisation: Organisation,
  adminBaseUrl: string,
  orgId: string,
  params: URLSearchParams
): OperationResult => {
  if (orgId !== organisation.orgId) return failure(404, `Organization not found: ${orgId}`, "ADMIN-404-2")
  const scope = `getUsers:${orgId}`
  let position = 0
  const cursor = params.get("cursor")
  if (cursor !== null && cursor !== "") {
    const state = decodeCursor(cursor, scope, isEmptyQuery)
    if (state === undefined) return failure(400, "Invalid page cursor", "ADMIN-400-1")
    position = state.position
  }
  const length = organisation.userCount + organisation.extraAccountCount
  const page = slicePage(
    length,
    (at) => accountAt(organisation, adminBaseUrl, at),
    position,
    managedAccountsPageSize
  )
  const base = `${adminBaseUrl}/v1/orgs/${orgId}/users`
  const urlFor = (at: number) =>
    at === 0
      ? base
      : `${base}?cursor=${encodeURIComponent(encodeCursor({ scope, query: {}, limit: managedAccountsPageSize, position: at }))}`
  return ok({
    data: page.items,
    links:
      page.nextPosition === undefined || page.nextPosition >= length
        ? { self: urlFor(position) }
        : { self: urlFor(position), next: urlFor(page.nextPosition) },
    meta: { total: organisation.managedUserCount() + organisation.extraAccountCount }
  })
}

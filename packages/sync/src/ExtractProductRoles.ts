/**
 * Who holds which role on which product: for every product and product role, the user search filtered by
 * `resourceIds` + `roleIds` (one listing per pair instead of one call per user). Roles are staged as direct;
 * once everything is staged, `GrantMethod.markGroupGranted` marks those that one of the holder's groups
 * grants (the memberships are in staging, so no account → groups index is held in memory).
 * Whether it is billable is `isBillableRole`'s answer and nothing else. A holder whose record cannot be
 * decoded, or whose account id cannot be one path segment, is quarantined; a holder quarantined by the
 * users listing gets no role row (it would point at an account seatsync does not store).
 */
import {
  identifierProblem,
  isBillableRole,
  type Product,
  ProductRole,
  Rejected,
  rejectedFromInvalidRecord,
  roleBillability
} from "@seatsync/normalise"
import type { GrantMethod } from "@seatsync/store"
import { Chunk, Effect, Either, Stream } from "effect"
import { type ExtractContext, pageReporter } from "./ExtractContext.js"
import type { GroupGrants } from "./ExtractGroups.js"
import type { ExtractedUsers } from "./ExtractUsers.js"

/** Roles held on a product (the platform roles org-admin, site-admin and ai-access are not product seats). */
const productRoleIds = (Object.keys(roleBillability) as ReadonlyArray<keyof typeof roleBillability>).filter(
  (role) =>
    role !== "atlassian/org-admin" && role !== "atlassian/site-admin" && role !== "atlassian/ai-access"
)

export const extractProductRoles = (
  context: ExtractContext,
  products: ReadonlyArray<Product>,
  users: ExtractedUsers,
  concurrency: number
) => {
  const report = pageReporter(context, "roles")
  const pairs = products.flatMap((product) => productRoleIds.map((roleId) => ({ product, roleId })))
  return Effect.forEach(
    pairs,
    ({ product, roleId }) => {
      const source = context.client.userRecords(context.orgId, {
        resourceIds: [product.productId],
        roleIds: [roleId]
      })
      return Stream.runForEach(Stream.chunks(source), (page) =>
        Effect.gen(function* () {
          const roles: Array<ProductRole> = []
          const rejected: Array<Rejected> = []
          for (const listed of Chunk.toReadonlyArray(page)) {
            if (Either.isLeft(listed)) {
              rejected.push(rejectedFromInvalidRecord("product_role", "accountId", listed.left))
              continue
            }
            const accountId = listed.right.accountId?.trim()
            if (accountId === undefined || accountId === "") continue
            if (users.quarantined.has(accountId)) continue
            const problem = identifierProblem(accountId)
            if (problem !== undefined) {
              rejected.push(
                new Rejected({
                  entity: "product_role",
                  sourceKey: accountId,
                  reason: `accountId ${problem}`,
                  record: listed.right
                })
              )
              continue
            }
            // Every field is known valid here (a trimmed, checked account id, a product's id, a role id of
            // the table), so the constructor's own check, one per role row, is skipped.
            roles.push(
              new ProductRole(
                {
                  accountId,
                  productId: product.productId,
                  roleId,
                  billable: isBillableRole(roleId),
                  grantedVia: ["direct"]
                },
                true
              )
            )
          }
          yield* context.buffer.add("product_role", roles)
          yield* report(roles.length, rejected)
        })
      )
    },
    { concurrency, discard: true }
  )
}

/** The groups' grants as rows for `GrantMethod.markGroupGranted` (the key is `product|role`). */
export const groupGrantRows = (grants: GroupGrants): ReadonlyArray<GrantMethod.GroupGrant> =>
  [...grants].flatMap(([key, groupIds]) => {
    const separator = key.lastIndexOf("|") // role ids never hold one
    const productId = key.slice(0, separator)
    const roleId = key.slice(separator + 1)
    return [...groupIds].map((groupId) => ({ productId, roleId, groupId }))
  })

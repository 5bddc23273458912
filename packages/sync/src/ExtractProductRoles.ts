/**
 * Who holds which role on which product: for every product and product role, the user search filtered by
 * `resourceIds` + `roleIds` (one listing per pair instead of one call per user). How a role was granted is
 * inferred: through a group when one of the user's groups grants that role on that product, else direct.
 */
import { isBillableRole, type Product, ProductRole, roleBillability } from "@seatsync/normalise"
import { Chunk, Effect, Stream } from "effect"
import { type ExtractContext, pageReporter } from "./ExtractContext.js"
import { type GroupGrants, grantKey } from "./ExtractGroups.js"
import type { MembershipIndex } from "./ExtractUsers.js"

/** Roles held on a product (the platform roles org-admin, site-admin and ai-access are not product seats). */
const productRoleIds = (Object.keys(roleBillability) as ReadonlyArray<keyof typeof roleBillability>).filter(
  (role) =>
    role !== "atlassian/org-admin" && role !== "atlassian/site-admin" && role !== "atlassian/ai-access"
)

export const extractProductRoles = (
  context: ExtractContext,
  products: ReadonlyArray<Product>,
  memberships: MembershipIndex,
  grants: GroupGrants,
  concurrency: number
) => {
  const report = pageReporter(context, "roles")
  const pairs = products.flatMap((product) => productRoleIds.map((roleId) => ({ product, roleId })))
  return Effect.forEach(
    pairs,
    ({ product, roleId }) => {
      const granting = grants.get(grantKey(product.productId, roleId))
      const source = context.client.users(context.orgId, {
        resourceIds: [product.productId],
        roleIds: [roleId]
      })
      return Stream.runForEach(Stream.chunks(source), (page) =>
        Effect.gen(function* () {
          const roles: Array<ProductRole> = []
          for (const user of Chunk.toReadonlyArray(page)) {
            const accountId = user.accountId?.trim()
            if (accountId === undefined || accountId === "") continue
            const viaGroup = (memberships.get(accountId) ?? []).some(
              (groupId) => granting?.has(groupId) === true
            )
            roles.push(
              new ProductRole({
                accountId,
                productId: product.productId,
                roleId,
                billable: isBillableRole(roleId),
                grantedVia: [viaGroup ? "group" : "direct"]
              })
            )
          }
          yield* context.buffer.add("product_role", roles)
          yield* report(roles.length, [])
        })
      )
    },
    { concurrency, discard: true }
  )
}

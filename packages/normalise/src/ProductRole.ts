/**
 * The canonical product role (user × product × role): whether it consumes a licence and how it was granted —
 * and the transform from a user's v2 role assignments.
 */
import type { UserRoleAssignment } from "@seatsync/atlassian-client"
import { Schema } from "effect"
import { isBillableRole } from "./BillableRole.js"
import { text } from "./internal/text.js"
import type { ProductIndex } from "./ProductIndex.js"
import { Rejected } from "./Rejected.js"

/** How a role was granted: directly, through a group, or inferred by Atlassian (e.g. from an admin role). */
export const Grant = Schema.Literal("direct", "group", "inferred")
export type Grant = typeof Grant.Type

export class ProductRole extends Schema.Class<ProductRole>("ProductRole")({
  accountId: Schema.NonEmptyTrimmedString,
  /** The canonical product id (workspace ARI). */
  productId: Schema.NonEmptyTrimmedString,
  /** e.g. `atlassian/user`. */
  roleId: Schema.NonEmptyTrimmedString,
  /** Whether the role consumes a licence (`isBillableRole`). */
  billable: Schema.Boolean,
  /** Every way the role was granted, sorted; empty when Atlassian only sent the deprecated `roles`. */
  grantedVia: Schema.Array(Grant)
}) {}

const grantOf = { direct: "direct", group_direct: "group", inferred: "inferred" } as const

/**
 * One user's role assignments → product roles. Assignments on a resource that is not among the organisation's
 * products are rejected with the reason (they would otherwise vanish from seat counts silently).
 */
export const productRolesFromUserRoleAssignments = (
  accountId: string,
  assignments: ReadonlyArray<UserRoleAssignment>,
  products: ProductIndex
): { readonly roles: ReadonlyArray<ProductRole>; readonly rejected: ReadonlyArray<Rejected> } => {
  const roles = new Map<string, { productId: string; roleId: string; grants: Set<Grant> }>()
  const rejected: Array<Rejected> = []
  const account = text(accountId)
  for (const assignment of assignments) {
    const resourceId = text(assignment.resourceId)
    const productId = resourceId === null ? undefined : products.resolve(resourceId, assignment.resourceOwner)
    if (account === null || productId === undefined) {
      rejected.push(
        new Rejected({
          entity: "product_role",
          sourceKey: account === null ? null : `${account}|${resourceId ?? ""}`,
          reason:
            account === null
              ? "accountId is missing"
              : resourceId === null
                ? "resourceId is missing"
                : `resource ${resourceId} is not a product of the organisation`,
          record: assignment
        })
      )
      continue
    }
    const add = (roleId: string, grants: ReadonlyArray<Grant>) => {
      const key = `${productId}|${roleId}`
      const entry = roles.get(key) ?? { productId, roleId, grants: new Set<Grant>() }
      for (const grant of grants) entry.grants.add(grant)
      roles.set(key, entry)
    }
    if (assignment.roleAssignments !== undefined) {
      for (const { role, roleAssignmentMethods } of assignment.roleAssignments) {
        if (role !== undefined)
          add(
            role,
            (roleAssignmentMethods ?? []).map((method) => grantOf[method])
          )
      }
    } else {
      for (const role of assignment.roles ?? []) if (text(role) !== null) add(role.trim(), [])
    }
  }
  return {
    roles:
      account === null
        ? []
        : [...roles.values()].map(
            ({ productId, roleId, grants }) =>
              new ProductRole({
                accountId: account,
                productId,
                roleId,
                billable: isBillableRole(roleId),
                grantedVia: [...grants].sort()
              })
          ),
    rejected
  }
}

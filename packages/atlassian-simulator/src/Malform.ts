/**
 * Schema-breaking variants of successful bodies, for the `malformedBody` fault: still valid JSON, but a
 * field the operation's schema types has the wrong type (e.g. a user's `accountId` is a number).
 */
import type { OperationId } from "./Operations.js"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Replaces `field` of the first item of `body.data` with a number, or `data` itself when it is empty. */
const breakFirstItem = (body: unknown, field: string): unknown => {
  if (!isRecord(body)) return body
  const data = body.data
  if (Array.isArray(data) && isRecord(data[0])) {
    return { ...body, data: [{ ...data[0], [field]: 12345 }, ...data.slice(1)] }
  }
  return { ...body, data: { unexpected: "object instead of an array" } }
}

/** Replaces a top-level field with a value of the wrong type. */
const breakField = (body: unknown, field: string, wrong: unknown): unknown =>
  isRecord(body) ? { ...body, [field]: wrong } : body

export const malform = (operationId: OperationId, body: unknown): unknown => {
  switch (operationId) {
    case "getOrgs":
      return breakFirstItem(body, "id")
    case "getOrgById":
      return isRecord(body) && isRecord(body.data) ? { ...body, data: { ...body.data, id: 12345 } } : body
    case "getUsers":
      return breakFirstItem(body, "account_id")
    case "getUserLastActiveDates":
      return isRecord(body) && isRecord(body.data)
        ? { ...body, data: { ...body.data, product_access: "none" } }
        : body
    case "getDirectoriesForOrg":
      return breakFirstItem(body, "directoryId")
    case "searchDirectoryUsers":
      return breakFirstItem(body, "accountId")
    case "getDirectoryUsersCount":
    case "getGroupsCount":
      return breakField(body, "count", "many")
    case "getUserStats":
      return breakField(body, "roles", { unexpected: "object instead of an array" })
    case "getUserRoleAssignments":
    case "getGroupRoleAssignments":
      return breakFirstItem(body, "resourceId")
    case "searchDirectoryGroups":
      return breakFirstItem(body, "id")
    case "getGroupsStats":
      return breakField(body, "types", "none")
    case "queryWorkspacesV2":
      return breakFirstItem(body, "id")
    case "getTenantInfo":
      return breakField(body, "cloudId", 12345)
    case "getApplicationRoles":
      return Array.isArray(body) && isRecord(body[0])
        ? [{ ...body[0], key: 12345, numberOfSeats: "many" }, ...body.slice(1)]
        : { unexpected: "object instead of an array" }
  }
}

/** The first half of a serialised body: never valid JSON. */
export const truncate = (body: string): string => body.slice(0, Math.max(1, Math.floor(body.length / 2)))

/**
 * The record-level faults applied to a successful listing page: one wrong-typed record, the previous page's
 * records repeated under this page's cursor, or records hidden from the listing (but not from the counts).
 */
import type { HiddenRecordsFault, RepeatedPageFault, WrongTypedRecordFault } from "./Fault.js"
import type { OperationId } from "./Operations.js"

export type RecordFault = WrongTypedRecordFault | RepeatedPageFault | HiddenRecordsFault

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The field a wrong-typed record breaks by default: the listing's own identifier. */
const keyField = (operationId: OperationId): string => {
  switch (operationId) {
    case "searchDirectoryUsers":
      return "accountId"
    case "getUsers":
      return "account_id"
    case "getDirectoriesForOrg":
      return "directoryId"
    case "getUserRoleAssignments":
    case "getGroupRoleAssignments":
      return "resourceId"
    default:
      return "id"
  }
}

export const isRecordFault = (fault: { readonly kind: string } | undefined): fault is RecordFault =>
  fault?.kind === "wrongTypedRecord" || fault?.kind === "repeatedPage" || fault?.kind === "hiddenRecords"

/**
 * The page `json` with `fault` applied; `previous` is the last successful page of the same operation (a
 * repeated page without one is answered unchanged). Anything that is not a page with a `data` array is
 * returned as it is.
 */
export const applyRecordFault = (
  operationId: OperationId,
  fault: RecordFault,
  json: unknown,
  previous: unknown
): unknown => {
  if (!isRecord(json) || !Array.isArray(json.data)) return json
  const data: ReadonlyArray<unknown> = json.data
  switch (fault.kind) {
    case "wrongTypedRecord": {
      const index = fault.index ?? 0
      const target = data[index]
      if (!isRecord(target)) return json
      const broken = { ...target, [fault.field ?? keyField(operationId)]: fault.value ?? 12345 }
      return { ...json, data: data.map((item, at) => (at === index ? broken : item)) }
    }
    case "repeatedPage":
      return isRecord(previous) && Array.isArray(previous.data) ? { ...json, data: previous.data } : json
    case "hiddenRecords":
      return { ...json, data: data.slice(0, Math.max(0, data.length - fault.count)) }
  }
}

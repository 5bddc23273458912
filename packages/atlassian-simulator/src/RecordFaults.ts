/**
 * The record-level faults applied to a successful listing page: one wrong-typed record, the previous page's
 * records repeated under this page's cursor, the request's own cursor answered as the next one, or records
 * hidden from the listing (but not from the counts).
 */
import type { SimulatorRequest } from "./Exchange.js"
import type {
  HiddenRecordsFault,
  RepeatedCursorFault,
  RepeatedPageFault,
  WrongTypedRecordFault
} from "./Fault.js"
import type { OperationId } from "./Operations.js"

export type RecordFault = WrongTypedRecordFault | RepeatedPageFault | RepeatedCursorFault | HiddenRecordsFault

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
  fault?.kind === "wrongTypedRecord" ||
  fault?.kind === "repeatedPage" ||
  fault?.kind === "repeatedCursor" ||
  fault?.kind === "hiddenRecords"

/** The cursor a page request carried: the `cursor` query parameter (GET) or body field (POST). */
export const requestCursor = (request: SimulatorRequest): string | undefined => {
  const inQuery = request.query.get("cursor")
  if (inQuery !== null && inQuery !== "") return inQuery
  if (request.body === "") return undefined
  try {
    const body: unknown = JSON.parse(request.body)
    return isRecord(body) && typeof body.cursor === "string" && body.cursor !== "" ? body.cursor : undefined
  } catch {
    return undefined
  }
}

/**
 * `links` whose next cursor is `cursor`: where the page's next (or, on a last page, its self) link is a URL
 * (v1 `links.next` carries its cursor as a query parameter), that URL with `cursor` set; else the bare token.
 */
const linksRepeating = (links: Record<string, unknown>, cursor: string): Record<string, unknown> => {
  const template = typeof links.next === "string" ? links.next : links.self
  if (typeof template === "string" && /^https?:\/\//.test(template)) {
    const url = new URL(template)
    url.searchParams.set("cursor", cursor)
    return { ...links, next: url.toString() }
  }
  return { ...links, next: cursor }
}

/**
 * The page `json` with `fault` applied; `previous` is the last successful page of the same operation (a
 * repeated page without one is answered unchanged) and `cursor` the one the request carried (a repeated
 * cursor without one is answered unchanged). Anything that is not a page with a `data` array is returned
 * as it is.
 */
export const applyRecordFault = (
  operationId: OperationId,
  fault: RecordFault,
  json: unknown,
  previous: unknown,
  cursor: string | undefined
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
    case "repeatedCursor":
      return cursor === undefined
        ? json
        : { ...json, links: linksRepeating(isRecord(json.links) ? json.links : {}, cursor) }
    case "hiddenRecords":
      return { ...json, data: data.slice(0, Math.max(0, data.length - fault.count)) }
  }
}

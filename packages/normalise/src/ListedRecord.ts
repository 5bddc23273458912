/** A listing record that could not be decoded (`InvalidRecord` from the client) as a quarantine entry. */
import type { InvalidRecord } from "@seatsync/atlassian-client"
import { Rejected } from "./Rejected.js"

const keyOf = (record: unknown, keyField: string): string | null => {
  if (typeof record !== "object" || record === null) return null
  const key: unknown = (record as Record<string, unknown>)[keyField]
  return typeof key === "string" || typeof key === "number" ? String(key) : null
}

/**
 * The rejection of a record of `entity` whose listing could not decode it: its key when the record has one
 * of a printable type, the reason naming the path (`accountId: Expected string, actual 12345`).
 */
export const rejectedFromInvalidRecord = (
  entity: string,
  keyField: string,
  invalid: InvalidRecord
): Rejected =>
  new Rejected({
    entity,
    sourceKey: keyOf(invalid.record, keyField),
    reason: `${invalid.path === "" ? "record" : invalid.path}: ${invalid.detail}`,
    record: invalid.record
  })

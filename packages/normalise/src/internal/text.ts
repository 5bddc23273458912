/** Trimmed text or null, and strict ISO-8601 instants: Atlassian sends blanks and absent fields interchangeably. */
export const text = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? null : trimmed
}

/**
 * ISO-8601 as the Admin API writes it: a calendar date (`2024-01-15`, midnight UTC), or a date and time with
 * optional seconds and fraction and an optional zone (`Z`, `+02:00`, `+0200`; none means UTC, the API's zone).
 */
const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/**
 * A parsed ISO-8601 instant: null when absent or blank, undefined when the text is not an ISO-8601 date or
 * names a day that does not exist (`2023-02-30`). Nothing else is guessed: `new Date("abc 5")` would say
 * 2001-05-01.
 */
export const instant = (value: string | null | undefined): Date | null | undefined => {
  if (value === undefined || value === null || value.trim() === "") return null
  const trimmed = value.trim()
  const match = isoPattern.exec(trimmed)
  if (match === null) return undefined
  const [, year, month, day, hour, minute, second, zone] = match
  const [y, mo, d] = [Number(year), Number(month), Number(day)]
  const calendar = new Date(Date.UTC(y, mo - 1, d))
  // Date.UTC rolls 2023-02-30 over to March: a day that does not exist is not a date.
  if (calendar.getUTCFullYear() !== y || calendar.getUTCMonth() !== mo - 1 || calendar.getUTCDate() !== d) {
    return undefined
  }
  if (hour === undefined) return calendar
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return undefined
  const normalised = `${trimmed.replace(" ", "T")}${zone === undefined ? "Z" : ""}`
  const parsed = new Date(normalised)
  return Number.isNaN(parsed.getTime()) ? undefined : parsed
}

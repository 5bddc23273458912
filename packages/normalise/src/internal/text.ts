/** Trimmed text or null: Atlassian sends blanks and absent fields interchangeably. */
export const text = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? null : trimmed
}

/** A parsed ISO-8601 instant, null when absent, undefined when unreadable. */
export const instant = (value: string | null | undefined): Date | null | undefined => {
  if (value === undefined || value === null || value.trim() === "") return null
  const parsed = new Date(value)
  return Number.isNaN(parsed.getTime()) ? undefined : parsed
}

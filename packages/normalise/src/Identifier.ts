/**
 * Identifiers that seatsync later puts into a request path (account ids, group ids): checked when a record
 * is normalised, so that a record whose id cannot be one path segment is quarantined there, instead of
 * reaching the client's read-only guard and ending the run.
 */

/**
 * Why `id` cannot be one path segment, or undefined when it can: it must not be empty, a dot segment (`.`,
 * `..`) or contain control characters.
 */
export const identifierProblem = (id: string): string | undefined => {
  if (id.trim() === "") return "is empty"
  if (id === "." || id === "..") return `is a dot segment (${id}) and cannot name a resource in a path`
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(id)) return "contains control characters"
  return undefined
}

/**
 * The read-only allowlist: the only requests the client will ever send are the entries of the endpoint
 * table (`Endpoints`). Everything else — any write, any other path, any other host — is refused before it
 * leaves the process, so a bug cannot change an Atlassian organisation or leak the key to another server.
 */
import { Effect } from "effect"
import * as Endpoints from "./Endpoints.js"
import { ReadOnlyViolation } from "./Errors.js"

/**
 * The allow-listed read operations: the endpoint table itself (method and path template, relative to the
 * Admin API base URL `https://api.atlassian.com/admin`). A `{parameter}` matches exactly one non-empty
 * path segment that is not `.` or `..`.
 */
export const readOperations: ReadonlyArray<Endpoints.Endpoint> = Endpoints.all

/**
 * Checks that `method url` is an allow-listed read operation under `adminBaseUrl`. The check runs on the
 * final URL, after the base URL was prepended, so neither a caller nor a crafted path can escape it.
 */
export const ensureReadOperation = (
  adminBaseUrl: URL,
  method: string,
  url: string
): Effect.Effect<void, ReadOnlyViolation> => {
  const refuse = (reason: string) =>
    Effect.fail(new ReadOnlyViolation({ method, url: redactQuery(url), reason }))
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return refuse("the URL is not valid")
  }
  if (target.origin !== adminBaseUrl.origin) {
    return refuse(`the host is not the configured Admin API host ${adminBaseUrl.origin}`)
  }
  if (target.username !== "" || target.password !== "") {
    return refuse("the URL carries credentials")
  }
  const base = adminBaseUrl.pathname.replace(/\/+$/, "")
  if (!target.pathname.startsWith(`${base}/`)) {
    return refuse(`the path is outside the Admin API base path ${base}`)
  }
  // Parsing resolves `.` and `..` segments (encoded ones too), so a path that parsing changes would be
  // sent somewhere other than it reads: only a URL that is already canonical is checked and sent.
  if (redactQuery(url) !== `${target.origin}${target.pathname}`) {
    return refuse("the path is not canonical")
  }
  const path = target.pathname.slice(base.length)
  if (path.includes("//")) {
    return refuse("the path is not canonical")
  }
  return Endpoints.match(method, path) === undefined
    ? refuse("it is not one of the allow-listed read operations")
    : Effect.void
}

const redactQuery = (url: string) => url.replace(/[?#].*$/, "")

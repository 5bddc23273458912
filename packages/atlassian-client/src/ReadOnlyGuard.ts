/**
 * The read-only allowlist: the only requests the client will ever send. Everything else — any write, any
 * other host — is refused before it leaves the process, so a bug cannot change an Atlassian organisation
 * or leak the key to another server.
 */
import { Effect } from "effect"
import { ReadOnlyViolation } from "./Errors.js"

interface ReadOperation {
  readonly method: "GET" | "POST"
  readonly path: RegExp
}

const segment = "[^/]+"
const org = `/v1/orgs/${segment}`
const directory = `/v2/orgs/${segment}/directories/${segment}`
const exact = (pattern: string) => new RegExp(`^${pattern}$`)

/** Paths are relative to the Admin API base URL (`https://api.atlassian.com/admin`). */
export const readOperations: ReadonlyArray<ReadOperation> = [
  { method: "GET", path: exact("/v1/orgs") },
  { method: "GET", path: exact(org) },
  { method: "GET", path: exact(`${org}/users`) },
  { method: "GET", path: exact(`${org}/directory/users/${segment}/last-active-dates`) },
  { method: "GET", path: exact(`/v2/orgs/${segment}/directories`) },
  { method: "GET", path: exact(`${directory}/users/count`) },
  { method: "GET", path: exact(`${directory}/users/stats`) },
  { method: "GET", path: exact(`${directory}/users/${segment}/role-assignments`) },
  { method: "GET", path: exact(`${directory}/groups/count`) },
  { method: "GET", path: exact(`${directory}/groups/stats`) },
  { method: "GET", path: exact(`${directory}/groups/${segment}/role-assignments`) },
  // The only POSTs are the three documented searches; they read, never write.
  { method: "POST", path: exact(`${directory}/users/search`) },
  { method: "POST", path: exact(`${directory}/groups/search`) },
  { method: "POST", path: exact(`/v2/orgs/${segment}/workspaces`) }
]

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
  const path = target.pathname.slice(base.length)
  if (path.includes("/../") || path.includes("/./") || path.includes("//")) {
    return refuse("the path is not canonical")
  }
  const allowed = readOperations.some((op) => op.method === method && op.path.test(path))
  return allowed ? Effect.void : refuse("it is not one of the allow-listed read operations")
}

const redactQuery = (url: string) => url.replace(/\?.*$/, "")

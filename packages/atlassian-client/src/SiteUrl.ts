/**
 * Strict validation of an Atlassian site URL. The site is only ever used for the unauthenticated cloudId
 * lookup and, when configured, Jira seat counts with separate site credentials — never with the org key.
 */
import { Effect } from "effect"
import { InvalidConfig } from "./Errors.js"

export interface SiteUrlOptions {
  /**
   * TEST ONLY: accept any http(s) origin (e.g. the local simulator) instead of `https://<name>.atlassian.net`.
   * Never set this in production: it would let a typo send site credentials to another host.
   */
  readonly unsafeAllowAnyHost?: boolean | undefined
}

const sitePattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.atlassian\.net$/

/**
 * Accepts exactly `https://<name>.atlassian.net` (a trailing `/` is tolerated) and returns its origin.
 * Rejects other hosts, ports, paths, queries, fragments and credentials with a message saying which.
 */
export const validateSiteUrl = (
  raw: string,
  options: SiteUrlOptions = {}
): Effect.Effect<URL, InvalidConfig> =>
  Effect.gen(function* () {
    const invalid = (reason: string) => new InvalidConfig({ field: "siteUrl", reason })
    let url: URL
    try {
      url = new URL(raw.trim())
    } catch {
      return yield* invalid(`"${raw}" is not a URL; expected https://<your-site>.atlassian.net`)
    }
    if (url.username !== "" || url.password !== "")
      return yield* invalid("the site URL must not contain credentials")
    if (url.search !== "" || url.hash !== "")
      return yield* invalid("the site URL must not have a query or fragment")
    if (url.pathname !== "/" && url.pathname !== "") {
      return yield* invalid(
        `the site URL must not have a path (got ${url.pathname}); use https://<your-site>.atlassian.net`
      )
    }
    if (options.unsafeAllowAnyHost === true) {
      if (url.protocol !== "https:" && url.protocol !== "http:")
        return yield* invalid("the site URL must be http(s)")
      return new URL(url.origin)
    }
    if (url.protocol !== "https:") return yield* invalid("the site URL must use https")
    if (url.port !== "") return yield* invalid("the site URL must not name a port")
    if (!sitePattern.test(url.hostname)) {
      return yield* invalid(
        `${url.hostname} is not an Atlassian Cloud site; expected <your-site>.atlassian.net`
      )
    }
    return new URL(url.origin)
  })

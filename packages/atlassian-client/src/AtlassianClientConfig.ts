/** What the client needs to talk to the Admin API: the org API key and the Admin API base URL. */
import { Config, Effect, Redacted, type Schedule } from "effect"
import { InvalidConfig } from "./Errors.js"
import { type PacingOptions, pacingFromEnv } from "./Pacing.js"
import type { RetryableFailure } from "./RetryPolicy.js"

export const defaultAdminBaseUrl = "https://api.atlassian.com/admin"

export interface AtlassianClientConfig {
  /** The organisation API key, sent as a Bearer token to the Admin API host only. */
  readonly apiKey: Redacted.Redacted<string>
  /** Where the Admin API lives. Defaults to `https://api.atlassian.com/admin`; the simulator in tests. */
  readonly adminBaseUrl?: string | undefined
  /** Overrides the retry policy for 429 / 5xx / network failures (see `RetryPolicy.retrySchedule`). */
  readonly retrySchedule?: Schedule.Schedule<unknown, RetryableFailure> | undefined
  /** Overrides client-side pacing (see `Pacing.defaultPacing`; `Pacing.unpaced` turns it off). */
  readonly pacing?: PacingOptions | undefined
}

/** Where and how fast the client talks, without the key: what every connection of one process shares. */
export interface EndpointSettings {
  readonly adminBaseUrl: string
  readonly pacing: PacingOptions
}

/**
 * The only reading of `ATLASSIAN_ADMIN_BASE_URL` (default `https://api.atlassian.com/admin`) and of the pacing
 * variables of `Pacing.pacingFromEnv`. Programs that run stored connections (with keys from the database)
 * read this; `fromEnv` adds the key from `ATLASSIAN_API_KEY`.
 */
export const endpointFromEnv: Config.Config<EndpointSettings> = Config.all({
  adminBaseUrl: Config.string("ATLASSIAN_ADMIN_BASE_URL").pipe(Config.withDefault(defaultAdminBaseUrl)),
  pacing: pacingFromEnv
})

/**
 * Reads the configuration from `ATLASSIAN_API_KEY` (a secret), `ATLASSIAN_ADMIN_BASE_URL` (optional) and
 * the pacing variables of `Pacing.pacingFromEnv` (optional).
 */
export const fromEnv: Config.Config<AtlassianClientConfig> = Config.all({
  apiKey: Config.redacted("ATLASSIAN_API_KEY"),
  endpoint: endpointFromEnv
}).pipe(Config.map(({ apiKey, endpoint }) => ({ apiKey, ...endpoint })))

/** Checks the key and base URL before any request is made. */
export const validate = (config: AtlassianClientConfig): Effect.Effect<URL, InvalidConfig> =>
  Effect.gen(function* () {
    const key = Redacted.value(config.apiKey)
    if (key.trim() === "") {
      return yield* new InvalidConfig({ field: "apiKey", reason: "the API key is empty" })
    }
    if (key !== key.trim() || /\s/.test(key)) {
      return yield* new InvalidConfig({
        field: "apiKey",
        reason: "the API key contains spaces or line breaks; paste it again without them"
      })
    }
    const raw = config.adminBaseUrl ?? defaultAdminBaseUrl
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return yield* new InvalidConfig({ field: "adminBaseUrl", reason: `${raw} is not a URL` })
    }
    const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]"
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
      return yield* new InvalidConfig({
        field: "adminBaseUrl",
        reason: "must be https (plain http is accepted only on loopback, for the simulator)"
      })
    }
    if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
      return yield* new InvalidConfig({
        field: "adminBaseUrl",
        reason: "must not contain credentials, a query or a fragment"
      })
    }
    return url
  })

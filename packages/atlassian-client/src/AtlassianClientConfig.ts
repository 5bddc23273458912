/** What the client needs to talk to the Admin API: the org API key and the Admin API base URL. */
import { Config, Duration, Effect, Redacted, type Schedule } from "effect"
import { InvalidConfig } from "./Errors.js"
import { type PacingOptions, pacingFromEnv } from "./Pacing.js"
import type { RetryNotice } from "./RetryNotice.js"
import { defaultRetryOptions, type RetryableFailure, type RetryOptions } from "./RetryPolicy.js"

export const defaultAdminBaseUrl = "https://api.atlassian.com/admin"

/** How long one request may take, from sending it to the last byte of its answer, before it is retried. */
export const defaultRequestTimeout: Duration.Duration = Duration.seconds(30)

export interface AtlassianClientConfig {
  /** The organisation API key, sent as a Bearer token to the Admin API host only. */
  readonly apiKey: Redacted.Redacted<string>
  /** Where the Admin API lives. Defaults to `https://api.atlassian.com/admin`; the simulator in tests. */
  readonly adminBaseUrl?: string | undefined
  /**
   * Overrides the retry policy for 429 / 5xx / network failures (see `RetryPolicy.retrySchedule`); `retry`
   * is then ignored, and retry notices cannot say how many attempts a call gets.
   */
  readonly retrySchedule?: Schedule.Schedule<unknown, RetryableFailure> | undefined
  /**
   * Settings of the built-in retry policy, each defaulting to `RetryPolicy.defaultRetryOptions` (among
   * them `maxRetryAfter`, the longest `Retry-After` honoured: 15 minutes).
   */
  readonly retry?: Partial<RetryOptions> | undefined
  /**
   * The longest one request may take, answer included (default 30 s). A request that takes longer is
   * abandoned and retried like a network failure.
   */
  readonly requestTimeout?: Duration.DurationInput | undefined
  /** Told about every retry before its wait (see `RetryNotice`; `withRetryObserver` is the other way). */
  readonly onRetry?: ((notice: RetryNotice) => Effect.Effect<void>) | undefined
  /** Overrides client-side pacing (see `Pacing.defaultPacing`; `Pacing.unpaced` turns it off). */
  readonly pacing?: PacingOptions | undefined
}

/** Where and how fast the client talks, without the key: what every connection of one process shares. */
export interface EndpointSettings {
  readonly adminBaseUrl: string
  readonly pacing: PacingOptions
  /** Retry settings (from the environment: `maxRetryAfter`); the rest default. */
  readonly retry?: Partial<RetryOptions> | undefined
  readonly requestTimeout?: Duration.DurationInput | undefined
}

const positiveSeconds = (variable: string, fallback: Duration.Duration) =>
  Config.number(variable).pipe(
    Config.validate({ message: "must be a positive number of seconds", validation: (n) => n > 0 }),
    Config.map((seconds) => Duration.millis(Math.round(seconds * 1000))),
    Config.withDefault(fallback)
  )

/**
 * `SEATSYNC_REQUEST_TIMEOUT` (seconds, default 30): how long one request may take before it is retried.
 * `SEATSYNC_MAX_RETRY_AFTER` (seconds, default 900): the longest `Retry-After` honoured.
 */
export const transportFromEnv: Config.Config<{
  readonly requestTimeout: Duration.Duration
  readonly retry: { readonly maxRetryAfter: Duration.Duration }
}> = Config.all({
  requestTimeout: positiveSeconds("SEATSYNC_REQUEST_TIMEOUT", defaultRequestTimeout),
  maxRetryAfter: positiveSeconds(
    "SEATSYNC_MAX_RETRY_AFTER",
    Duration.decode(defaultRetryOptions.maxRetryAfter)
  )
}).pipe(Config.map(({ requestTimeout, maxRetryAfter }) => ({ requestTimeout, retry: { maxRetryAfter } })))

/**
 * The only reading of `ATLASSIAN_ADMIN_BASE_URL` (default `https://api.atlassian.com/admin`), of the pacing
 * variables of `Pacing.pacingFromEnv` and of the transport variables of `transportFromEnv`. Programs that
 * run stored connections (with keys from the database) read this; `fromEnv` adds the key from
 * `ATLASSIAN_API_KEY`.
 */
export const endpointFromEnv: Config.Config<EndpointSettings> = Config.all({
  adminBaseUrl: Config.string("ATLASSIAN_ADMIN_BASE_URL").pipe(Config.withDefault(defaultAdminBaseUrl)),
  pacing: pacingFromEnv,
  transport: transportFromEnv
}).pipe(Config.map(({ adminBaseUrl, pacing, transport }) => ({ adminBaseUrl, pacing, ...transport })))

/**
 * Reads the configuration from `ATLASSIAN_API_KEY` (a secret), `ATLASSIAN_ADMIN_BASE_URL` (optional), the
 * pacing variables of `Pacing.pacingFromEnv` and the transport variables of `transportFromEnv` (optional).
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

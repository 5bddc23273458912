/**
 * The transport under every client method: builds the request, enforces the read-only allowlist, sends the
 * Bearer key, never follows a redirect, gives up on an answer that takes longer than the request timeout,
 * decodes the body against the operation's schema, maps statuses to tagged errors and retries what is worth
 * retrying on the configured `Schedule` — telling the retry observers before each wait — counting
 * everything it does.
 */
import { FetchHttpClient, HttpClient, type HttpClientError, HttpClientRequest } from "@effect/platform"
import {
  Clock,
  Duration,
  Effect,
  Either,
  FiberRef,
  Option,
  ParseResult,
  Schedule,
  ScheduleDecision,
  Schema
} from "effect"
import * as ClientConfig from "../AtlassianClientConfig.js"
import * as Endpoints from "../Endpoints.js"
import { readErrorBody } from "../ErrorBody.js"
import {
  type AtlassianError,
  AtlassianUnavailable,
  BadRequest,
  Forbidden,
  InvalidApiKey,
  type InvalidConfig,
  OrgNotFound,
  RateLimited,
  type ReadOnlyViolation,
  ResourceNotFound,
  UnexpectedRedirect,
  UnexpectedResponse
} from "../Errors.js"
import { defaultPacing, makePacers, readRateLimitHeaders } from "../Pacing.js"
import { ensureReadOperation } from "../ReadOnlyGuard.js"
import type { RequestStats } from "../RequestStats.js"
import { makeStatsRecorder } from "../RequestStats.js"
import { currentRetryObserver, type RetryNotice } from "../RetryNotice.js"
import {
  defaultRetryOptions,
  maxAttempts,
  type RetryableFailure,
  retrySchedule,
  serverRequestedDelay
} from "../RetryPolicy.js"
import { describeTransportFailure } from "./TransportFailure.js"

/**
 * Tries a call gets when nothing could be connected to (connection refused, unknown host): one quick retry
 * for a server that was restarting, not the minutes of backoff a 503 earns.
 */
export const unreachableAttempts = 2

/** A URL as errors and notices show it: without its query or fragment. */
export const withoutQuery = (url: string): string => url.replace(/[?#].*$/, "")

/** One request: a table entry, its path parameters, and what the page or filters add. */
export interface Operation<Template extends string> {
  readonly endpoint: Endpoints.Endpoint<Template>
  readonly params: Endpoints.PathParams<Template>
  readonly urlParams?: Readonly<Record<string, string | undefined>> | undefined
  readonly body?: unknown
  /** The organisation the call is about: the key of its rate-limit budget, and named in `OrgNotFound`. */
  readonly orgId?: string | undefined
}

/** Turns a decode failure into the first offending path, e.g. `data.3.accountId`. */
const describeParseError = (error: ParseResult.ParseError) => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  return {
    path: first === undefined ? "" : first.path.map(String).join("."),
    detail: first === undefined ? error.message : first.message
  }
}

/** Each schema's decoder, built on its first answer and reused by every later call with that schema. */
const decoders = new WeakMap<
  Schema.Schema.Any,
  (json: unknown) => Either.Either<unknown, ParseResult.ParseError>
>()

const decoderOf = <A, I>(schema: Schema.Schema<A, I>) => {
  let decoder = decoders.get(schema)
  if (decoder === undefined) {
    decoder = Schema.decodeUnknownEither(schema, { onExcessProperty: "ignore" })
    decoders.set(schema, decoder)
  }
  return decoder as (json: unknown) => Either.Either<A, ParseResult.ParseError>
}

export interface Transport {
  readonly call: <Template extends string, A, I>(
    op: Operation<Template>,
    schema: Schema.Schema<A, I>
  ) => Effect.Effect<A, AtlassianError>
  readonly stats: Effect.Effect<RequestStats>
}

export const makeTransport = (
  config: ClientConfig.AtlassianClientConfig
): Effect.Effect<Transport, InvalidConfig, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const baseUrl = yield* ClientConfig.validate(config)
    const base = baseUrl.toString().replace(/\/+$/, "")
    const recorder = yield* makeStatsRecorder
    const pacers = yield* makePacers(config.pacing ?? defaultPacing)
    const retryOptions = { ...defaultRetryOptions, ...config.retry }
    const schedule = config.retrySchedule ?? retrySchedule(retryOptions)
    const attemptsAllowed = config.retrySchedule === undefined ? maxAttempts(retryOptions) : undefined
    const requestTimeout = Duration.decode(config.requestTimeout ?? ClientConfig.defaultRequestTimeout)

    // The read-only guard sits inside the HTTP client, on the final URL, so no code path can bypass it.
    const http = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequestEffect((request) =>
        ensureReadOperation(baseUrl, request.method, request.url).pipe(
          Effect.as(HttpClientRequest.bearerToken(request, config.apiKey))
        )
      )
    )

    const noAnswer =
      (url: string) =>
      (error: HttpClientError.HttpClientError): RetryableFailure => ({
        _tag: "RetryableFailure",
        status: 0,
        serverDelayMillis: undefined,
        errorCode: undefined,
        requestId: undefined,
        url: withoutQuery(url),
        ...describeTransportFailure(error)
      })
    const timedOut = (url: string): RetryableFailure => ({
      _tag: "RetryableFailure",
      kind: "timeout",
      status: 0,
      serverDelayMillis: undefined,
      errorCode: undefined,
      requestId: undefined,
      url: withoutQuery(url),
      detail: `no answer within ${Duration.toMillis(requestTimeout) / 1000} s`
    })

    /**
     * Sends a request without following redirects (fetch follows them by default, with the key), and reads
     * the whole answer within the request timeout.
     */
    const exchange = (request: HttpClientRequest.HttpClientRequest) =>
      Effect.gen(function* () {
        const init = yield* Effect.serviceOption(FetchHttpClient.RequestInit)
        const response = yield* http.execute(request).pipe(
          Effect.provideService(FetchHttpClient.RequestInit, {
            ...Option.getOrElse(init, () => ({})),
            redirect: "manual"
          })
        )
        const text = yield* response.text
        return { response, text }
      }).pipe(
        Effect.catchIf(
          (error): error is HttpClientError.HttpClientError =>
            error._tag === "RequestError" || error._tag === "ResponseError",
          (error) => Effect.fail(noAnswer(request.url)(error))
        ),
        Effect.timeoutFail({ duration: requestTimeout, onTimeout: () => timedOut(request.url) })
      )

    /** One attempt: a decoded value, a final error, or a failure worth retrying. */
    const attempt = <Template extends string, A, I>(
      op: Operation<Template>,
      schema: Schema.Schema<A, I>
    ): Effect.Effect<Either.Either<A, AtlassianError>, RetryableFailure> =>
      Effect.gen(function* () {
        const url = `${base}${Endpoints.path(op.endpoint, op.params)}`
        let request = op.endpoint.method === "GET" ? HttpClientRequest.get(url) : HttpClientRequest.post(url)
        request = HttpClientRequest.acceptJson(request)
        for (const [key, value] of Object.entries(op.urlParams ?? {})) {
          if (value !== undefined) request = HttpClientRequest.setUrlParam(request, key, value)
        }
        if (op.body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, op.body)
        const pacer = yield* pacers.forOrg(op.orgId ?? "*")
        const paced = yield* pacer.before(op.endpoint.budget)
        yield* recorder.add({ apiCalls: 1, sleptMillis: paced })
        const { response, text } = yield* exchange(request)
        const status = response.status
        yield* pacer.after(readRateLimitHeaders(response.headers), op.endpoint.budget)
        const requestId = response.headers["atl-traceid"] ?? response.headers["x-request-id"] ?? undefined
        const context = { endpoint: op.endpoint.name, requestId }
        if (status >= 200 && status < 300) {
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {
            return Either.left(
              new UnexpectedResponse({ ...context, status, path: "", detail: "the body is not valid JSON" })
            )
          }
          return decoderOf(schema)(json).pipe(
            Either.mapLeft(
              (error) => new UnexpectedResponse({ ...context, status, ...describeParseError(error) })
            )
          )
        }
        if (status >= 300 && status < 400) {
          const location = response.headers.location
          let target = ""
          if (location !== undefined) {
            try {
              target = withoutQuery(new URL(location, url).toString())
            } catch {
              target = withoutQuery(location)
            }
          }
          return Either.left(
            new UnexpectedRedirect({ ...context, status, url: withoutQuery(url), location: target })
          )
        }
        const facts = readErrorBody(text)
        const known = { ...context, errorCode: facts.errorCode, requestId: requestId ?? facts.requestId }
        if (status === 429 || status >= 500) {
          if (status === 429) yield* recorder.add({ rateLimited: 1 })
          const now = yield* Clock.currentTimeMillis
          return yield* Effect.fail<RetryableFailure>({
            _tag: "RetryableFailure",
            kind: status === 429 ? "rate-limited" : "server-error",
            status,
            serverDelayMillis: serverRequestedDelay(response.headers, now, {
              useRateLimitReset: status === 429
            }),
            errorCode: known.errorCode,
            requestId: known.requestId,
            detail: facts.detail ?? `HTTP ${status}`,
            url: withoutQuery(url)
          })
        }
        switch (status) {
          case 400:
            return Either.left(new BadRequest({ ...known, detail: facts.detail }))
          case 401:
            return Either.left(new InvalidApiKey({ ...known, status }))
          case 403:
            return Either.left(new Forbidden({ ...known, detail: facts.detail }))
          case 404:
            return Either.left(
              op.orgId !== undefined &&
                (facts.errorCode === "ADMIN-404-2" ||
                  (facts.errorCode === undefined && op.endpoint.notFoundMeansOrg))
                ? new OrgNotFound({ ...known, orgId: op.orgId })
                : new ResourceNotFound({ ...known, detail: facts.detail })
            )
          default:
            return Either.left(
              new UnexpectedResponse({
                ...known,
                status,
                path: "",
                detail: facts.detail ?? `unexpected HTTP ${status}`
              })
            )
        }
      }).pipe(
        Effect.catchTag("ReadOnlyViolation", (violation: ReadOnlyViolation) =>
          Effect.succeed(Either.left(violation) as Either.Either<A, AtlassianError>)
        )
      )

    /** Tells the configured observer and the fiber's observer that a call is about to be retried. */
    const notify = (notice: RetryNotice) =>
      Effect.gen(function* () {
        if (config.onRetry !== undefined) yield* config.onRetry(notice)
        const observer = yield* FiberRef.get(currentRetryObserver)
        if (observer !== undefined) yield* observer(notice)
      })

    // One span per call, without the stack trace a span captures by default (`new Error()` on every call,
    // visible in the sync's CPU profile).
    const call = <Template extends string, A, I>(
      op: Operation<Template>,
      schema: Schema.Schema<A, I>
    ): Effect.Effect<A, AtlassianError> =>
      Effect.suspend(() => {
        // Per call: how many attempts failed, and the last failure (what a notice and the error describe).
        let failed = 0
        let last: RetryableFailure | undefined
        const retries = Schedule.delays(schedule).pipe(
          Schedule.whileInput(
            (failure: RetryableFailure) => failure.kind !== "unreachable" || failed < unreachableAttempts
          ),
          Schedule.tapInput((failure: RetryableFailure) =>
            Effect.sync(() => {
              failed += 1
              last = failure
            })
          ),
          Schedule.onDecision((delay, decision) => {
            if (!ScheduleDecision.isContinue(decision) || last === undefined) return Effect.void
            const failure = last
            const allowed =
              failure.kind === "unreachable"
                ? Math.min(attemptsAllowed ?? unreachableAttempts, unreachableAttempts)
                : attemptsAllowed
            return recorder.add({ retries: 1, sleptMillis: Duration.toMillis(delay) }).pipe(
              Effect.zipRight(
                notify({
                  endpoint: op.endpoint.name,
                  url: failure.url ?? op.endpoint.name,
                  kind: failure.kind,
                  status: failure.status,
                  detail: failure.detail,
                  attempt: failed,
                  maxAttempts: allowed,
                  delayMillis: Duration.toMillis(delay),
                  serverAsked: failure.serverDelayMillis !== undefined
                })
              )
            )
          })
        )
        return attempt(op, schema).pipe(
          Effect.retry(retries),
          Effect.catchAll((failure): Effect.Effect<never, AtlassianError> => {
            const context = {
              endpoint: op.endpoint.name,
              errorCode: failure.errorCode,
              requestId: failure.requestId
            }
            return Effect.fail(
              failure.kind === "rate-limited"
                ? new RateLimited({ ...context, retryAfterMillis: failure.serverDelayMillis })
                : new AtlassianUnavailable({
                    ...context,
                    status: failure.status,
                    detail: failure.detail,
                    url: failure.url,
                    attempts: Math.max(failed, 1),
                    transport:
                      failure.kind === "unreachable" ||
                      failure.kind === "timeout" ||
                      failure.kind === "network"
                        ? failure.kind
                        : undefined
                  })
            )
          }),
          Effect.flatMap((result) => result)
        )
      }).pipe(Effect.withSpan(`AtlassianClient ${op.endpoint.name}`, { captureStackTrace: false }))

    return { call, stats: recorder.get }
  })

/**
 * The transport under every client method: builds the request, enforces the read-only allowlist, sends the
 * Bearer key, decodes the body against the operation's schema, maps statuses to tagged errors and retries
 * what is worth retrying on the configured `Schedule`, counting everything it does.
 */
import { HttpClient, type HttpClientError, HttpClientRequest } from "@effect/platform"
import { Clock, Duration, Effect, Either, ParseResult, Schedule, ScheduleDecision, Schema } from "effect"
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
  UnexpectedResponse
} from "../Errors.js"
import { defaultPacing, makePacers, readRateLimitHeaders } from "../Pacing.js"
import { ensureReadOperation } from "../ReadOnlyGuard.js"
import type { RequestStats } from "../RequestStats.js"
import { makeStatsRecorder } from "../RequestStats.js"
import { type RetryableFailure, retrySchedule, serverRequestedDelay } from "../RetryPolicy.js"

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
    const schedule = config.retrySchedule ?? retrySchedule()
    // Counts each retry and how long it waits; `delays` turns the schedule's output into that wait.
    const countedSchedule = Schedule.delays(schedule).pipe(
      Schedule.onDecision((delay, decision) =>
        ScheduleDecision.isContinue(decision)
          ? recorder.add({ retries: 1, sleptMillis: Duration.toMillis(delay) })
          : Effect.void
      )
    )

    // The read-only guard sits inside the HTTP client, on the final URL, so no code path can bypass it.
    const http = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequestEffect((request) =>
        ensureReadOperation(baseUrl, request.method, request.url).pipe(
          Effect.as(HttpClientRequest.bearerToken(request, config.apiKey))
        )
      )
    )

    const networkFailure = (error: HttpClientError.HttpClientError): RetryableFailure => ({
      _tag: "RetryableFailure",
      kind: "network",
      status: 0,
      serverDelayMillis: undefined,
      errorCode: undefined,
      requestId: undefined,
      detail:
        error._tag === "RequestError"
          ? `${error.reason} error: ${error.description ?? "request failed"}`
          : error.message
    })

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
        const response = yield* http.execute(request).pipe(
          Effect.catchIf(
            (error): error is HttpClientError.HttpClientError =>
              error._tag === "RequestError" || error._tag === "ResponseError",
            (error) => Effect.fail(networkFailure(error))
          )
        )
        const text = yield* response.text.pipe(Effect.mapError(networkFailure))
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
          return Schema.decodeUnknownEither(schema, { onExcessProperty: "ignore" })(json).pipe(
            Either.mapLeft(
              (error) => new UnexpectedResponse({ ...context, status, ...describeParseError(error) })
            )
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
            detail: facts.detail ?? `HTTP ${status}`
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

    const call = <Template extends string, A, I>(
      op: Operation<Template>,
      schema: Schema.Schema<A, I>
    ): Effect.Effect<A, AtlassianError> =>
      attempt(op, schema).pipe(
        Effect.retry({ schedule: countedSchedule, while: (error) => error._tag === "RetryableFailure" }),
        Effect.catchAll((failure): Effect.Effect<never, AtlassianError> => {
          const context = {
            endpoint: op.endpoint.name,
            errorCode: failure.errorCode,
            requestId: failure.requestId
          }
          return Effect.fail(
            failure.kind === "rate-limited"
              ? new RateLimited({ ...context, retryAfterMillis: failure.serverDelayMillis })
              : new AtlassianUnavailable({ ...context, status: failure.status, detail: failure.detail })
          )
        }),
        Effect.flatMap((result) => result),
        Effect.withSpan(`AtlassianClient ${op.endpoint.name}`)
      )

    return { call, stats: recorder.get }
  })

/**
 * `AtlassianClient`: one typed method per read endpoint of the Atlassian organisation Admin API, with
 * cursor pages as `Stream`s, failures as tagged errors and retries as a `Schedule`.
 */
import { HttpClient, type HttpClientError, HttpClientRequest } from "@effect/platform"
import {
  Clock,
  type Config,
  type ConfigError,
  Context,
  Duration,
  Effect,
  Either,
  Layer,
  ParseResult,
  Schedule,
  ScheduleDecision,
  Schema,
  Stream
} from "effect"
import * as ClientConfig from "./AtlassianClientConfig.js"
import { type Directory, DirectoryPage } from "./Dto/Directories.js"
import { type DirectoryUser, DirectoryUserPage, type UserSearchQuery } from "./Dto/DirectoryUsers.js"
import { Org, type OrgModel, OrgPage } from "./Dto/Orgs.js"
import { readErrorBody } from "./ErrorBody.js"
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
} from "./Errors.js"
import { cursorFromNextUrl, paginate } from "./Pagination.js"
import { ensureReadOperation } from "./ReadOnlyGuard.js"
import type { RequestStats } from "./RequestStats.js"
import { makeStatsRecorder } from "./RequestStats.js"
import { type RetryableFailure, retrySchedule, serverRequestedDelay } from "./RetryPolicy.js"

/** Options of a directory user search. */
export interface UserSearchOptions {
  /** The directory to search; `-` (the default) means every directory the key can manage. */
  readonly directoryId?: string | undefined
  /** Page size, 1–100; defaults to the maximum, 100, to use as few calls as possible. */
  readonly pageSize?: number | undefined
}

export interface AtlassianClientShape {
  /** `GET /v1/orgs`: the organisations the key can see. An empty result means "unknown", not "none". */
  readonly orgs: Stream.Stream<OrgModel, AtlassianError>
  /** `GET /v1/orgs/{orgId}`: one organisation; `OrgNotFound` when the id is wrong for this key. */
  readonly org: (orgId: string) => Effect.Effect<OrgModel, AtlassianError>
  /** `GET /v2/orgs/{orgId}/directories`: every user directory of the organisation. */
  readonly directories: (orgId: string) => Stream.Stream<Directory, AtlassianError>
  /**
   * `POST /v2/orgs/{orgId}/directories/{directoryId}/users/search`: every user matching `query`, across
   * all pages. Each page is one chunk of the stream.
   */
  readonly users: (
    orgId: string,
    query?: UserSearchQuery,
    options?: UserSearchOptions
  ) => Stream.Stream<DirectoryUser, AtlassianError>
  /** What this client instance has done on the wire so far. */
  readonly stats: Effect.Effect<RequestStats>
}

export class AtlassianClient extends Context.Tag("@seatsync/atlassian-client/AtlassianClient")<
  AtlassianClient,
  AtlassianClientShape
>() {}

interface Operation {
  /** `METHOD /template`, used in errors and spans. */
  readonly endpoint: string
  readonly method: "GET" | "POST"
  /** The concrete path under the Admin API base URL, already URL-encoded. */
  readonly path: string
  readonly urlParams?: Readonly<Record<string, string | undefined>>
  readonly body?: unknown
  /** Set when a 404 from this operation means the organisation itself is unknown. */
  readonly orgId?: string
}

const segment = (value: string) => encodeURIComponent(value)

/** Turns a decode failure into the first offending path, e.g. `data.3.accountId`. */
const describeParseError = (error: ParseResult.ParseError) => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  return {
    path: first === undefined ? "" : first.path.map(String).join("."),
    detail: first === undefined ? error.message : first.message
  }
}

/**
 * Builds a client from a configuration. Requires an `HttpClient` (e.g. `FetchHttpClient.layer` or
 * `NodeHttpClient.layerUndici`).
 */
export const make = (
  config: ClientConfig.AtlassianClientConfig
): Effect.Effect<AtlassianClientShape, InvalidConfig, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const baseUrl = yield* ClientConfig.validate(config)
    const base = baseUrl.toString().replace(/\/+$/, "")
    const recorder = yield* makeStatsRecorder
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
      detail: error._tag === "RequestError" ? `${error.reason} error: ${error.description ?? "request failed"}` : error.message
    })

    /** One attempt: a decoded value, a final error, or a failure worth retrying. */
    const attempt = <A, I>(
      op: Operation,
      schema: Schema.Schema<A, I>
    ): Effect.Effect<Either.Either<A, AtlassianError>, RetryableFailure> =>
      Effect.gen(function* () {
        let request = op.method === "GET" ? HttpClientRequest.get(`${base}${op.path}`) : HttpClientRequest.post(`${base}${op.path}`)
        request = HttpClientRequest.acceptJson(request)
        for (const [key, value] of Object.entries(op.urlParams ?? {})) {
          if (value !== undefined) request = HttpClientRequest.setUrlParam(request, key, value)
        }
        if (op.body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, op.body)
        yield* recorder.add({ apiCalls: 1 })
        const response = yield* http.execute(request).pipe(
          Effect.catchIf(
            (error): error is HttpClientError.HttpClientError => error._tag === "RequestError" || error._tag === "ResponseError",
            (error) => Effect.fail(networkFailure(error))
          )
        )
        const text = yield* response.text.pipe(Effect.mapError(networkFailure))
        const status = response.status
        const requestId = response.headers["atl-traceid"] ?? response.headers["x-request-id"] ?? undefined
        const context = { endpoint: op.endpoint, requestId }
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
            Either.mapLeft((error) => new UnexpectedResponse({ ...context, status, ...describeParseError(error) }))
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
            serverDelayMillis: serverRequestedDelay(response.headers, now),
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
              op.orgId !== undefined && (facts.errorCode === undefined || facts.errorCode === "ADMIN-404-2")
                ? new OrgNotFound({ ...known, orgId: op.orgId })
                : new ResourceNotFound({ ...known, detail: facts.detail })
            )
          default:
            return Either.left(
              new UnexpectedResponse({ ...known, status, path: "", detail: facts.detail ?? `unexpected HTTP ${status}` })
            )
        }
      }).pipe(
        Effect.catchTag("ReadOnlyViolation", (violation: ReadOnlyViolation) =>
          Effect.succeed(Either.left(violation) as Either.Either<A, AtlassianError>)
        )
      )

    const call = <A, I>(op: Operation, schema: Schema.Schema<A, I>): Effect.Effect<A, AtlassianError> =>
      attempt(op, schema).pipe(
        Effect.retry({ schedule: countedSchedule, while: (error) => error._tag === "RetryableFailure" }),
        Effect.catchAll((failure): Effect.Effect<never, AtlassianError> => {
          const context = { endpoint: op.endpoint, errorCode: failure.errorCode, requestId: failure.requestId }
          return Effect.fail(
            failure.kind === "rate-limited"
              ? new RateLimited({ ...context, retryAfterMillis: failure.serverDelayMillis })
              : new AtlassianUnavailable({ ...context, status: failure.status, detail: failure.detail })
          )
        }),
        Effect.flatMap((result) => result),
        Effect.withSpan(`AtlassianClient ${op.endpoint}`)
      )

    const orgs = paginate("GET /v1/orgs", (cursor) =>
      call({ endpoint: "GET /v1/orgs", method: "GET", path: "/v1/orgs", urlParams: { cursor } }, OrgPage).pipe(
        Effect.map((page) => ({ items: page.data ?? [], next: cursorFromNextUrl(page.links?.next) }))
      )
    )

    const org = (orgId: string) => {
      const endpoint = "GET /v1/orgs/{orgId}"
      return call({ endpoint, method: "GET", path: `/v1/orgs/${segment(orgId)}`, orgId }, Org).pipe(
        Effect.flatMap((body) =>
          body.data === undefined
            ? Effect.fail(new UnexpectedResponse({ endpoint, status: 200, path: "data", detail: "is missing" }))
            : Effect.succeed(body.data)
        )
      )
    }

    const directories = (orgId: string) => {
      const endpoint = "GET /v2/orgs/{orgId}/directories"
      return paginate(endpoint, (cursor) =>
        call(
          {
            endpoint,
            method: "GET",
            path: `/v2/orgs/${segment(orgId)}/directories`,
            // When a cursor is sent Atlassian ignores every other parameter, so only the first page has a limit.
            urlParams: cursor === undefined ? { limit: "100" } : { cursor },
            orgId
          },
          DirectoryPage
        ).pipe(Effect.map((page) => ({ items: page.data ?? [], next: page.links?.next })))
      )
    }

    const users = (orgId: string, query: UserSearchQuery = {}, options: UserSearchOptions = {}) => {
      const endpoint = "POST /v2/orgs/{orgId}/directories/{directoryId}/users/search"
      const path = `/v2/orgs/${segment(orgId)}/directories/${segment(options.directoryId ?? "-")}/users/search`
      const limit = Math.min(100, Math.max(1, Math.trunc(options.pageSize ?? 100)))
      return paginate(endpoint, (cursor) =>
        call(
          { endpoint, method: "POST", path, body: cursor === undefined ? { ...query, limit } : { ...query, limit, cursor }, orgId },
          DirectoryUserPage
        ).pipe(Effect.map((page) => ({ items: page.data, next: page.links?.next })))
      )
    }

    return { orgs, org, directories, users, stats: recorder.get } satisfies AtlassianClientShape
  })

/** A layer from an explicit configuration. */
export const layer = (
  config: ClientConfig.AtlassianClientConfig
): Layer.Layer<AtlassianClient, InvalidConfig, HttpClient.HttpClient> => Layer.effect(AtlassianClient, make(config))

/** A layer configured from the environment (`ATLASSIAN_API_KEY`, `ATLASSIAN_ADMIN_BASE_URL`). */
export const layerConfig = (
  config: Config.Config<ClientConfig.AtlassianClientConfig> = ClientConfig.fromEnv
): Layer.Layer<AtlassianClient, InvalidConfig | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(AtlassianClient, Effect.flatMap(config, make))

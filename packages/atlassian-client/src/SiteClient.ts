/**
 * `SiteClient`: the two site-level reads seatsync needs — `/_edge/tenant_info` (site → cloudId, sent with
 * no credentials at all) and, only when site credentials are configured, Jira's
 * `/rest/api/3/applicationrole` (licence seats per Jira product) with HTTP basic auth of a Jira admin's
 * email and API token. The organisation API key never reaches a site.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Context, Effect, Layer, Option, ParseResult, Redacted, Schema } from "effect"
import { type JiraApplicationRole, JiraApplicationRoles, TenantInfo } from "./Dto/Site.js"
import { readErrorBody } from "./ErrorBody.js"
import {
  AtlassianUnavailable,
  Forbidden,
  InvalidApiKey,
  type InvalidConfig,
  ResourceNotFound,
  UnexpectedRedirect,
  UnexpectedResponse
} from "./Errors.js"
import { type SiteUrlOptions, validateSiteUrl } from "./SiteUrl.js"

/** Basic-auth credentials of a Jira site administrator (not the organisation API key). */
export interface SiteCredentials {
  readonly email: string
  readonly apiToken: Redacted.Redacted<string>
}

export type SiteError =
  | InvalidConfig
  | InvalidApiKey
  | Forbidden
  | ResourceNotFound
  | AtlassianUnavailable
  | UnexpectedRedirect
  | UnexpectedResponse

export interface SiteClientShape {
  /** The cloudId of a site, from `GET https://<site>/_edge/tenant_info`; no credentials are sent. */
  readonly cloudId: (siteUrl: string) => Effect.Effect<string, SiteError>
  /** Jira licence seats per product on a site, from `GET https://<site>/rest/api/3/applicationrole`. */
  readonly jiraApplicationRoles: (
    siteUrl: string,
    credentials: SiteCredentials
  ) => Effect.Effect<ReadonlyArray<JiraApplicationRole>, SiteError>
}

export class SiteClient extends Context.Tag("@seatsync/atlassian-client/SiteClient")<
  SiteClient,
  SiteClientShape
>() {}

export const make = (
  options: SiteUrlOptions = {}
): Effect.Effect<SiteClientShape, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient

    const get = <A, I>(endpoint: string, url: string, schema: Schema.Schema<A, I>, auth?: SiteCredentials) =>
      Effect.gen(function* () {
        let request = HttpClientRequest.acceptJson(HttpClientRequest.get(url))
        if (auth !== undefined)
          request = HttpClientRequest.basicAuth(request, auth.email, Redacted.value(auth.apiToken))
        // Never follow a redirect: it could carry the Jira token somewhere else.
        const init = yield* Effect.serviceOption(FetchHttpClient.RequestInit)
        const response = yield* http.execute(request).pipe(
          Effect.provideService(FetchHttpClient.RequestInit, {
            ...Option.getOrElse(init, () => ({})),
            redirect: "manual"
          }),
          Effect.mapError((error) => new AtlassianUnavailable({ endpoint, status: 0, detail: error.message }))
        )
        const text = yield* response.text.pipe(
          Effect.mapError((error) => new AtlassianUnavailable({ endpoint, status: 0, detail: error.message }))
        )
        const status = response.status
        const requestId = response.headers["atl-traceid"]
        if (status >= 200 && status < 300) {
          const json = yield* Effect.try({
            try: () => JSON.parse(text) as unknown,
            catch: () =>
              new UnexpectedResponse({
                endpoint,
                status,
                path: "",
                detail: "the body is not valid JSON",
                requestId
              })
          })
          return yield* Schema.decodeUnknown(schema, { onExcessProperty: "ignore" })(json).pipe(
            Effect.mapError((error) => {
              const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
              return new UnexpectedResponse({
                endpoint,
                status,
                requestId,
                path: first?.path.map(String).join(".") ?? "",
                detail: first?.message ?? error.message
              })
            })
          )
        }
        if (status >= 300 && status < 400) {
          const location = response.headers.location ?? ""
          return yield* new UnexpectedRedirect({
            endpoint,
            requestId,
            status,
            url,
            location: URL.canParse(location, url)
              ? new URL(location, url).toString().replace(/[?#].*$/, "")
              : location.replace(/[?#].*$/, "")
          })
        }
        const facts = readErrorBody(text)
        const context = { endpoint, requestId, errorCode: facts.errorCode }
        if (status === 401) return yield* new InvalidApiKey({ ...context, status })
        if (status === 403) return yield* new Forbidden({ ...context, detail: facts.detail })
        if (status === 404) return yield* new ResourceNotFound({ ...context, detail: facts.detail })
        return yield* new AtlassianUnavailable({
          ...context,
          status,
          detail: facts.detail ?? `HTTP ${status}`
        })
      })

    const cloudId = (siteUrl: string) =>
      validateSiteUrl(siteUrl, options).pipe(
        Effect.flatMap((origin) =>
          get(
            "GET https://<site>/_edge/tenant_info",
            new URL("/_edge/tenant_info", origin).toString(),
            TenantInfo
          )
        ),
        Effect.map((info) => info.cloudId),
        Effect.withSpan("SiteClient cloudId")
      )

    const jiraApplicationRoles = (siteUrl: string, credentials: SiteCredentials) =>
      validateSiteUrl(siteUrl, options).pipe(
        Effect.flatMap((origin) =>
          get(
            "GET https://<site>/rest/api/3/applicationrole",
            new URL("/rest/api/3/applicationrole", origin).toString(),
            JiraApplicationRoles,
            credentials
          )
        ),
        Effect.withSpan("SiteClient jiraApplicationRoles")
      )

    return { cloudId, jiraApplicationRoles } satisfies SiteClientShape
  })

export const layer = (options: SiteUrlOptions = {}): Layer.Layer<SiteClient, never, HttpClient.HttpClient> =>
  Layer.effect(SiteClient, make(options))

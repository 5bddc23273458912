/**
 * The whole vocabulary of failure of the Atlassian Admin API client. Every error carries the endpoint and
 * whatever Atlassian said (status, error code, request id) — never the API key.
 */
import { Schema } from "effect"

const context = {
  /** The operation, as `METHOD /path/template`, e.g. `GET /v1/orgs/{orgId}`. */
  endpoint: Schema.String,
  /** Atlassian's error code when the body had one, e.g. `ADMIN-404-2`. */
  errorCode: Schema.optional(Schema.String),
  /** Atlassian's request id (`atl-traceid`) when the response had one. */
  requestId: Schema.optional(Schema.String)
}

const suffix = (self: { readonly errorCode?: string | undefined; readonly requestId?: string | undefined }) =>
  [self.errorCode && `code ${self.errorCode}`, self.requestId && `request id ${self.requestId}`]
    .filter(Boolean)
    .join(", ")

const withSuffix = (text: string, self: Parameters<typeof suffix>[0]) => {
  const extra = suffix(self)
  return extra === "" ? text : `${text} (${extra})`
}

/** 401: the key is wrong, expired, revoked, or was pasted with extra characters. */
export class InvalidApiKey extends Schema.TaggedError<InvalidApiKey>()("InvalidApiKey", {
  ...context,
  status: Schema.Number
}) {
  override get message() {
    return withSuffix(`Atlassian rejected the API key (401) on ${this.endpoint}`, this)
  }
}

/** 403: the key is valid but lacks a right or scope for this operation. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  ...context,
  detail: Schema.optional(Schema.String)
}) {
  override get message() {
    return withSuffix(
      `Atlassian refused ${this.endpoint} (403)${this.detail ? `: ${this.detail}` : ""}. The key needs organisation-admin rights; a scoped key may lack the scope for this operation`,
      this
    )
  }
}

/** 404 on the organisation itself: the org id is wrong or the key belongs to another organisation. */
export class OrgNotFound extends Schema.TaggedError<OrgNotFound>()("OrgNotFound", {
  ...context,
  orgId: Schema.String
}) {
  override get message() {
    return withSuffix(`Organisation ${this.orgId} was not found by ${this.endpoint} (404)`, this)
  }
}

/** 404 on something inside the organisation (a directory, a user, a group). */
export class ResourceNotFound extends Schema.TaggedError<ResourceNotFound>()("ResourceNotFound", {
  ...context,
  detail: Schema.optional(Schema.String)
}) {
  override get message() {
    return withSuffix(`${this.endpoint} answered 404${this.detail ? `: ${this.detail}` : ""}`, this)
  }
}

/** 400: Atlassian says our request is malformed; a bug in the caller or the client, never retried. */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  ...context,
  detail: Schema.optional(Schema.String)
}) {
  override get message() {
    return withSuffix(
      `Atlassian rejected the request to ${this.endpoint} (400)${this.detail ? `: ${this.detail}` : ""}`,
      this
    )
  }
}

/** 429 that outlasted the retry policy. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  ...context,
  /** How long Atlassian asked us to wait on the last 429, when it said. */
  retryAfterMillis: Schema.optional(Schema.Number)
}) {
  override get message() {
    const wait =
      this.retryAfterMillis === undefined
        ? ""
        : `; Atlassian asked to wait ${Math.ceil(this.retryAfterMillis / 1000)} s`
    return withSuffix(`Rate limited on ${this.endpoint} after exhausting the retry budget${wait}`, this)
  }
}

/**
 * 5xx or a network failure that outlasted the retry policy. `status` is 0 when there was no answer;
 * `transport` then says why (`unreachable`: connection refused or unknown host, `timeout`, `network`).
 */
export class AtlassianUnavailable extends Schema.TaggedError<AtlassianUnavailable>()("AtlassianUnavailable", {
  ...context,
  status: Schema.Number,
  detail: Schema.String,
  /** The URL asked, without its query. */
  url: Schema.optional(Schema.String),
  /** How many attempts were made. */
  attempts: Schema.optional(Schema.Number),
  /** Why there was no answer, when `status` is 0. */
  transport: Schema.optional(Schema.Literal("unreachable", "timeout", "network"))
}) {
  override get message() {
    const what = this.status === 0 ? "could not be reached" : `answered ${this.status}`
    const where = this.url === undefined ? `on ${this.endpoint}` : `at ${this.url} (${this.endpoint})`
    const tries =
      this.attempts === undefined ? "" : ` after ${this.attempts} attempt${this.attempts === 1 ? "" : "s"}`
    return withSuffix(`Atlassian ${what} ${where}: ${this.detail}${tries}`, this)
  }
}

/**
 * A 3xx: the Admin API never redirects a read, and following one could carry the key to a path or host
 * outside the allow-list, so it is never followed.
 */
export class UnexpectedRedirect extends Schema.TaggedError<UnexpectedRedirect>()("UnexpectedRedirect", {
  ...context,
  status: Schema.Number,
  /** The URL asked, without its query. */
  url: Schema.String,
  /** Where the answer pointed (its `Location`, without a query), or empty when it had none. */
  location: Schema.String
}) {
  override get message() {
    const to = this.location === "" ? "without a Location" : `to ${this.location}`
    return withSuffix(
      `${this.url} (${this.endpoint}) answered ${this.status}, a redirect ${to}; redirects are never followed, so the API key was not sent there. Check ATLASSIAN_ADMIN_BASE_URL`,
      this
    )
  }
}

/** A response that does not match Atlassian's OpenAPI document (or is not JSON at all). */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>()("UnexpectedResponse", {
  ...context,
  status: Schema.Number,
  /** Where in the body the problem is, e.g. `data.3.accountId`; empty for the whole body. */
  path: Schema.String,
  detail: Schema.String
}) {
  override get message() {
    const where = this.path === "" ? "the body" : `field ${this.path}`
    return withSuffix(
      `Unexpected response from ${this.endpoint} (status ${this.status}): ${where}: ${this.detail}`,
      this
    )
  }
}

/** A cursor came back that was already followed: the API would loop forever. */
export class RepeatedCursor extends Schema.TaggedError<RepeatedCursor>()("RepeatedCursor", {
  endpoint: Schema.String,
  page: Schema.Number
}) {
  override get message() {
    return `${this.endpoint} returned a cursor it had already returned (page ${this.page}); stopped instead of looping`
  }
}

/** The client refused to send a request that is not one of the allow-listed read operations. */
export class ReadOnlyViolation extends Schema.TaggedError<ReadOnlyViolation>()("ReadOnlyViolation", {
  method: Schema.String,
  url: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `Refused to send ${this.method} ${this.url}: ${this.reason}. seatsync only reads from Atlassian`
  }
}

/** Client configuration that cannot work (bad base URL, empty key, …). */
export class InvalidConfig extends Schema.TaggedError<InvalidConfig>()("InvalidConfig", {
  field: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `Invalid configuration for ${this.field}: ${this.reason}`
  }
}

/** Every failure an API call can end in. */
export type AtlassianError =
  | InvalidApiKey
  | Forbidden
  | OrgNotFound
  | ResourceNotFound
  | BadRequest
  | RateLimited
  | AtlassianUnavailable
  | UnexpectedRedirect
  | UnexpectedResponse
  | RepeatedCursor
  | ReadOnlyViolation

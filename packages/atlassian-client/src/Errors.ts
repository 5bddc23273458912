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

/** 5xx or a network failure that outlasted the retry policy. `status` is 0 for network failures. */
export class AtlassianUnavailable extends Schema.TaggedError<AtlassianUnavailable>()("AtlassianUnavailable", {
  ...context,
  status: Schema.Number,
  detail: Schema.String
}) {
  override get message() {
    const what = this.status === 0 ? "could not be reached" : `answered ${this.status}`
    return withSuffix(`Atlassian ${what} on ${this.endpoint}: ${this.detail}`, this)
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
  | UnexpectedResponse
  | RepeatedCursor
  | ReadOnlyViolation

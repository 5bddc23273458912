/**
 * The error bodies the OpenAPI document declares, per operation and status: `ProxyError` from the gateway
 * (401/429 and unavailability), `ApplicationError` lists on v1, `NoPermsError` for v1 403s, the generic
 * `Errors` list on v2, a bare `ApplicationError` on workspaces, and Jira's error collection on site endpoints.
 */
import { type ErrorFamily, errorFamily, type OperationId } from "./Operations.js"

const statusTitles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/** Status text for a status code. */
export const statusTitle = (status: number): string => statusTitles[status] ?? `HTTP ${status}`

/** The ADMIN-… code the API uses for a status when nothing more specific applies. */
const defaultCodes: Record<number, string> = {
  400: "ADMIN-400-24",
  401: "ADMIN-401-2",
  403: "ADMIN-403-3",
  404: "ADMIN-404-1",
  405: "ADMIN-405-1",
  409: "ADMIN-409-28",
  429: "ADMIN-429-1",
  500: "ADMIN-500-1"
}

const defaultDetails: Record<number, string> = {
  400: "The request is invalid.",
  401: "Unauthorized",
  403: "User has no permission to access resource.",
  404: "The requested resource could not be found.",
  405: "Method not supported.",
  429: "Rate limit exceeded. Retry after the time given in the Retry-After header.",
  500: "An internal error occurred.",
  503: "The service is temporarily unavailable."
}

export interface ErrorContext {
  /** The operation the request was routed to; undefined for unknown routes. */
  readonly operationId: OperationId | undefined
  /** The error family when no operation matched (admin paths: v1; anything else: site). */
  readonly family?: ErrorFamily | undefined
  readonly status: number
  /** The trace id of the request; becomes the error's `id` / `requestId`. */
  readonly requestId: string
  readonly path: string
  readonly now: number
  /** An ADMIN-… code, when the situation has a specific one (e.g. ADMIN-400-1 invalid cursor). */
  readonly code?: string | undefined
  readonly detail?: string | undefined
}

const applicationErrors = (context: ErrorContext, code: string) => ({
  errors: [applicationError(context, code)]
})

/** `ProxyError`, e.g. `{"code":401,"message":"Unauthorized"}`. */
const proxyError = (context: ErrorContext) => ({
  code: context.status,
  message:
    context.status === 401
      ? "Unauthorized"
      : context.status === 429
        ? "Too Many Requests"
        : (context.detail ?? statusTitle(context.status))
})

/** The gateway answers these itself, before the service sees the request. */
const isGatewayStatus = (status: number) =>
  status === 401 || status === 429 || status === 502 || status === 503 || status === 504

const applicationError = (context: ErrorContext, code: string) => ({
  id: context.requestId,
  status: String(context.status),
  code,
  title: statusTitle(context.status),
  detail: context.detail ?? defaultDetails[context.status] ?? statusTitle(context.status)
})

const defaultCode = (context: ErrorContext) =>
  context.code ?? defaultCodes[context.status] ?? `ADMIN-${context.status}-1`

/** last-active-dates: 401 may be either shape (ProxyError chosen), 429 is ProxyError, the rest lists. */
const v1DirectoryBody = (context: ErrorContext): unknown => {
  if (isGatewayStatus(context.status)) return proxyError(context)
  const code = context.code ?? (context.status === 404 ? "ADMIN-404-8" : defaultCode(context))
  return applicationErrors(context, code)
}

/**
 * queryWorkspacesV2 declares a single unwrapped `ApplicationError` for 400/403/404/500 and `ProxyError` for
 * 401. It declares no 429; the gateway's `ProxyError` is what a rate-limited request gets.
 */
const workspacesBody = (context: ErrorContext): unknown =>
  isGatewayStatus(context.status) ? proxyError(context) : applicationError(context, defaultCode(context))

/** Jira's error collection (site endpoints are outside the admin document). */
const siteBody = (context: ErrorContext): unknown => ({
  errorMessages: [
    context.detail ??
      (context.status === 401
        ? "Client must be authenticated to access this resource."
        : (defaultDetails[context.status] ?? statusTitle(context.status)))
  ],
  errors: {}
})

const v1Body = (context: ErrorContext): unknown => {
  const { status } = context
  if (isGatewayStatus(status)) return proxyError(context)
  if (status === 403) {
    return {
      timestamp: new Date(context.now).toISOString(),
      path: context.path,
      status: 403,
      error: "Forbidden",
      message: context.detail ?? defaultDetails[403],
      requestId: context.requestId
    }
  }
  const code =
    context.code ??
    (status === 400
      ? "ADMIN-400-1"
      : status === 404 && (context.operationId === "getOrgById" || context.operationId === "getUsers")
        ? "ADMIN-404-2"
        : undefined) ??
    defaultCodes[status] ??
    `ADMIN-${status}-1`
  return applicationErrors(context, code)
}

const v2Body = (context: ErrorContext): unknown => applicationErrors(context, defaultCode(context))

/** The body the document declares for this operation and status. */
export const errorBody = (context: ErrorContext): unknown => {
  const family: ErrorFamily =
    context.operationId === undefined ? (context.family ?? "v1") : errorFamily(context.operationId)
  switch (family) {
    case "v1":
      return v1Body(context)
    case "v1-directory":
      return v1DirectoryBody(context)
    case "v2":
      return v2Body(context)
    case "workspaces":
      return workspacesBody(context)
    case "site":
      return siteBody(context)
  }
}

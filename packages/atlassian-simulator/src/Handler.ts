/**
 * The simulator as a plain function from request to response: routing, authentication (Bearer API key on
 * `/admin`, basic auth on the Jira site endpoint), rate limits, fault injection and the operation handlers,
 * with the documented error body for every failure.
 */
import { getDirectoriesForOrg } from "./DirectoryHandlers.js"
import { errorBody } from "./ErrorBodies.js"
import type { OperationResult, SimulatorRequest, SimulatorResponse } from "./Exchange.js"
import type { Fault } from "./Fault.js"
import { makeFaultState } from "./FaultState.js"
import { makeGroupHandlers } from "./GroupHandlers.js"
import { getUserLastActiveDates } from "./LastActiveHandler.js"
import { malform, truncate } from "./Malform.js"
import { getUsers } from "./ManagedAccountsHandler.js"
import {
  adminPrefix,
  type ErrorFamily,
  matchRoute,
  type OperationId,
  operationIds,
  routeOf
} from "./Operations.js"
import type { Organisation } from "./Organisation.js"
import { getOrgById, getOrgs } from "./OrgHandlers.js"
import { makeRateLimiter, type RateLimitDecision, type RateLimitOptions } from "./RateLimit.js"
import { applyRecordFault, isRecordFault, requestCursor } from "./RecordFaults.js"
import { getGroupRoleAssignments, getUserRoleAssignments } from "./RoleAssignmentHandlers.js"
import {
  basicAuthMatches,
  defaultSiteCredentials,
  getApplicationRoles,
  getTenantInfo,
  type SiteCredentials
} from "./SiteHandlers.js"
import { getUserStats, makeUserCounter } from "./UserCountHandlers.js"
import { makeCandidates } from "./UserFilter.js"
import { searchDirectoryUsers } from "./UserSearchHandler.js"
import { makeWorkspaceHandler } from "./WorkspaceHandler.js"

/** Atlassian's documented budget for last-active-dates: 200 requests per minute per organisation. */
export const defaultLastActiveRateLimit = { limit: 200, windowSeconds: 60 } as const

export interface HandlerOptions {
  readonly organisation: Organisation
  /** The bearer token every `/admin` request must carry. */
  readonly apiKey: string
  /** Where the API lives, e.g. `http://127.0.0.1:4010/admin`; used in v1 `links`. */
  readonly adminBaseUrl: string
  readonly faults?: ReadonlyArray<Fault> | undefined
  readonly rateLimit?: RateLimitOptions | undefined
  /**
   * The enforced budget of last-active-dates (its own window, its own `X-RateLimit-*` headers); default
   * 200 per 60 s; `false` turns it off.
   */
  readonly lastActiveRateLimit?:
    | { readonly limit: number; readonly windowSeconds: number }
    | false
    | undefined
  /** Basic-auth credentials of `GET /rest/api/3/applicationrole`; default `defaultSiteCredentials`. */
  readonly siteCredentials?: SiteCredentials | undefined
}

export interface SimulatorHandler {
  /** Answers one request; `now` is the wall-clock time in milliseconds. */
  readonly handle: (request: SimulatorRequest, now: number) => SimulatorResponse
  /** Replaces the faults (restarting their call counts and windows, and restoring a revoked key). */
  readonly setFaults: (faults: ReadonlyArray<Fault>) => void
  /** Requests received so far, of any kind. */
  readonly requestCount: () => number
  /** Requests received so far per operation (unknown routes are not counted here). */
  readonly requestCounts: () => Readonly<Record<OperationId, number>>
}

const bearerToken = (header: string | undefined): string | undefined => {
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim())
  return match?.[1]?.trim()
}

type OperationRun = (params: Readonly<Record<string, string>>, request: SimulatorRequest) => OperationResult

export const makeHandler = (options: HandlerOptions): SimulatorHandler => {
  const { organisation, apiKey, adminBaseUrl } = options
  const siteCredentials = options.siteCredentials ?? defaultSiteCredentials
  const faults = makeFaultState(options.faults ?? [])
  const rateLimiter = makeRateLimiter(options.rateLimit)
  const lastActiveBudget = options.lastActiveRateLimit ?? defaultLastActiveRateLimit
  const lastActiveLimiter =
    lastActiveBudget === false ? undefined : makeRateLimiter({ ...lastActiveBudget, enforce: true })
  const candidates = makeCandidates(organisation)
  const countUsers = makeUserCounter(organisation, candidates)
  const groups = makeGroupHandlers(organisation)
  const queryWorkspaces = makeWorkspaceHandler(organisation, adminBaseUrl)
  const traceSalt = Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .padStart(8, "0")
  let total = 0
  const perOperation = Object.fromEntries(operationIds.map((id) => [id, 0])) as Record<OperationId, number>
  // The last successful answer of each operation: what a repeated-page fault answers again.
  const previousPages = new Map<OperationId, unknown>()

  const p = (params: Readonly<Record<string, string>>, name: string) => params[name] ?? ""
  const operations: Record<OperationId, OperationRun> = {
    getOrgs: (_, request) => getOrgs(organisation, adminBaseUrl, request.query),
    getOrgById: (params) => getOrgById(organisation, adminBaseUrl, p(params, "orgId")),
    getUsers: (params, request) => getUsers(organisation, adminBaseUrl, p(params, "orgId"), request.query),
    getUserLastActiveDates: (params, request) =>
      getUserLastActiveDates(organisation, p(params, "orgId"), p(params, "accountId"), request.query),
    getDirectoriesForOrg: (params, request) =>
      getDirectoriesForOrg(organisation, p(params, "orgId"), request.query),
    searchDirectoryUsers: (params, request) =>
      searchDirectoryUsers(
        organisation,
        candidates,
        p(params, "orgId"),
        p(params, "directoryId"),
        request.body
      ),
    getDirectoryUsersCount: (params, request) =>
      countUsers(p(params, "orgId"), p(params, "directoryId"), request.query),
    getUserStats: (params) => getUserStats(organisation, p(params, "orgId"), p(params, "directoryId")),
    getUserRoleAssignments: (params, request) =>
      getUserRoleAssignments(
        organisation,
        p(params, "orgId"),
        p(params, "directoryId"),
        p(params, "accountId"),
        request.query
      ),
    searchDirectoryGroups: (params, request) =>
      groups.searchDirectoryGroups(p(params, "orgId"), p(params, "directoryId"), request.body),
    getGroupsCount: (params, request) =>
      groups.getGroupsCount(p(params, "orgId"), p(params, "directoryId"), request.query),
    getGroupsStats: (params) => groups.getGroupsStats(p(params, "orgId"), p(params, "directoryId")),
    getGroupRoleAssignments: (params, request) =>
      getGroupRoleAssignments(
        organisation,
        p(params, "orgId"),
        p(params, "directoryId"),
        p(params, "groupId"),
        request.query
      ),
    queryWorkspacesV2: (params, request) => queryWorkspaces(p(params, "orgId"), request.body),
    getTenantInfo: (_, request) => getTenantInfo(organisation, request),
    getApplicationRoles: (_, request) => getApplicationRoles(organisation, request)
  }

  const authenticated = (operationId: OperationId, request: SimulatorRequest): boolean => {
    switch (operationId) {
      case "getTenantInfo":
        return true
      case "getApplicationRoles":
        return basicAuthMatches(request.headers.authorization, siteCredentials)
      default:
        return !faults.keyRevoked() && bearerToken(request.headers.authorization) === apiKey
    }
  }

  const handle = (request: SimulatorRequest, now: number): SimulatorResponse => {
    total += 1
    const requestId = `${traceSalt}${total.toString(16).padStart(8, "0")}`
    const isAdmin = request.path.startsWith(`${adminPrefix}/`)
    // Every /admin request spends from the general window; site endpoints are not the admin API.
    const general = isAdmin ? rateLimiter(now) : undefined
    const route = matchRoute(request.method, request.path)
    const operationId = route._tag === "Matched" ? route.operationId : undefined
    const family: ErrorFamily =
      operationId === undefined ? (isAdmin ? "v1" : "site") : routeOf(operationId).family
    let rateHeaders: Readonly<Record<string, string>> = general?.headers ?? {}
    let delayMillis = 0

    const respond = (
      result: OperationResult,
      extraHeaders: Record<string, string> = {}
    ): SimulatorResponse => {
      const headers = {
        "Content-Type": "application/json",
        "atl-traceid": requestId,
        ...rateHeaders,
        ...extraHeaders
      }
      const delay = delayMillis > 0 ? { delayMillis } : {}
      if (result._tag === "Ok") return { status: 200, headers, body: JSON.stringify(result.json), ...delay }
      const json = errorBody({
        operationId,
        family,
        status: result.status,
        requestId,
        path: request.path,
        now,
        code: result.code,
        detail: result.detail
      })
      return { status: result.status, headers, body: JSON.stringify(json), ...delay }
    }
    const tooMany = (decision: RateLimitDecision) => {
      rateHeaders = decision.headers
      return respond(
        { _tag: "Error", status: 429 },
        { "Retry-After": String(decision.exceededRetryAfterSeconds ?? 1) }
      )
    }

    if (route._tag === "NotFound") return respond({ _tag: "Error", status: 404, detail: "No such resource." })
    if (route._tag === "MethodNotAllowed") {
      return respond({ _tag: "Error", status: 405, code: "ADMIN-405-1" }, { Allow: route.allow.join(", ") })
    }

    perOperation[route.operationId] += 1
    const decision = faults.next(route.operationId, now)
    delayMillis = decision.latencyMillis
    const fault = decision.fault
    if (fault?.kind === "reset") return { status: 0, headers: {}, body: "", reset: true, delayMillis }
    if (fault?.kind === "stall") return { status: 0, headers: {}, body: "", stall: true }
    if (fault?.kind === "redirect") {
      return {
        status: fault.status,
        headers: { Location: fault.location, "atl-traceid": requestId },
        body: "",
        delayMillis
      }
    }
    if (!authenticated(route.operationId, request)) return respond({ _tag: "Error", status: 401 })
    if (general?.exceededRetryAfterSeconds !== undefined) return tooMany(general)
    if (route.operationId === "getUserLastActiveDates" && lastActiveLimiter !== undefined) {
      const budget = lastActiveLimiter(now)
      if (budget.exceededRetryAfterSeconds !== undefined) return tooMany(budget)
      rateHeaders = budget.headers
    }
    if (decision.rateLimit !== undefined) {
      if (decision.rateLimit.exceededRetryAfterSeconds !== undefined) return tooMany(decision.rateLimit)
      rateHeaders = decision.rateLimit.headers
    }
    if (fault?.kind === "status") {
      const retryAfter =
        fault.retryAfterSeconds === undefined ? (fault.status === 429 ? 1 : null) : fault.retryAfterSeconds
      return respond(
        {
          _tag: "Error",
          status: fault.status,
          ...(fault.detail === undefined ? {} : { detail: fault.detail })
        },
        retryAfter === null ? {} : { "Retry-After": String(retryAfter) }
      )
    }

    const result = operations[route.operationId](route.params, request)
    if (result._tag === "Ok") {
      const previous = previousPages.get(route.operationId)
      previousPages.set(route.operationId, result.json)
      if (isRecordFault(fault)) {
        return respond({
          _tag: "Ok",
          json: applyRecordFault(route.operationId, fault, result.json, previous, requestCursor(request))
        })
      }
    }
    if (fault?.kind === "malformedBody" && result._tag === "Ok") {
      return respond({ _tag: "Ok", json: malform(route.operationId, result.json) })
    }
    const response = respond(result)
    return fault?.kind === "truncatedJson" ? { ...response, body: truncate(response.body) } : response
  }

  return {
    handle,
    setFaults: faults.set,
    requestCount: () => total,
    requestCounts: () => ({ ...perOperation })
  }
}

/**
 * The simulator as a plain function from request to response: routing, bearer auth, rate-limit headers,
 * fault injection and the operation handlers, with the documented error body for every failure.
 */

import { getDirectoriesForOrg } from "./DirectoryHandlers.js"
import { errorBody } from "./ErrorBodies.js"
import type { OperationResult, SimulatorRequest, SimulatorResponse } from "./Exchange.js"
import type { Fault } from "./Fault.js"
import { makeFaultState } from "./FaultState.js"
import { malform, truncate } from "./Malform.js"
import { matchRoute, type OperationId, operationIds } from "./Operations.js"
import type { Organisation } from "./Organisation.js"
import { getOrgById, getOrgs } from "./OrgHandlers.js"
import { makeRateLimiter, type RateLimitOptions } from "./RateLimit.js"
import { makeCandidates } from "./UserFilter.js"
import { searchDirectoryUsers } from "./UserSearchHandler.js"

export interface HandlerOptions {
  readonly organisation: Organisation
  /** The bearer token every request must carry. */
  readonly apiKey: string
  /** Where the API lives, e.g. `http://127.0.0.1:4010/admin`; used in v1 `links`. */
  readonly adminBaseUrl: string
  readonly faults?: ReadonlyArray<Fault> | undefined
  readonly rateLimit?: RateLimitOptions | undefined
}

export interface SimulatorHandler {
  /** Answers one request; `now` is the wall-clock time in milliseconds. */
  readonly handle: (request: SimulatorRequest, now: number) => SimulatorResponse
  /** Replaces the faults (restarting their call counts and restoring a revoked key). */
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

export const makeHandler = (options: HandlerOptions): SimulatorHandler => {
  const { organisation, apiKey, adminBaseUrl } = options
  const faults = makeFaultState(options.faults ?? [])
  const rateLimiter = makeRateLimiter(options.rateLimit)
  const candidates = makeCandidates(organisation)
  const traceSalt = Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .padStart(8, "0")
  let total = 0
  const perOperation = Object.fromEntries(operationIds.map((id) => [id, 0])) as Record<OperationId, number>

  const run = (
    operationId: OperationId,
    params: Readonly<Record<string, string>>,
    request: SimulatorRequest
  ) => {
    switch (operationId) {
      case "getOrgs":
        return getOrgs(organisation, adminBaseUrl, request.query)
      case "getOrgById":
        return getOrgById(organisation, adminBaseUrl, params.orgId ?? "")
      case "getDirectoriesForOrg":
        return getDirectoriesForOrg(organisation, params.orgId ?? "", request.query)
      case "searchDirectoryUsers":
        return searchDirectoryUsers(
          organisation,
          candidates,
          params.orgId ?? "",
          params.directoryId ?? "",
          request.body
        )
    }
  }

  const handle = (request: SimulatorRequest, now: number): SimulatorResponse => {
    total += 1
    const requestId = `${traceSalt}${total.toString(16).padStart(8, "0")}`
    const rate = rateLimiter(now)
    const baseHeaders: Record<string, string> = {
      "Content-Type": "application/json",
      "atl-traceid": requestId,
      ...rate.headers
    }
    const route = matchRoute(request.method, request.path)
    const operationId = route._tag === "Matched" ? route.operationId : undefined
    const respond = (result: OperationResult, extraHeaders: Record<string, string> = {}) => {
      const headers = { ...baseHeaders, ...extraHeaders }
      if (result._tag === "Ok") return { status: 200, headers, body: JSON.stringify(result.json) }
      const json = errorBody({
        operationId,
        status: result.status,
        requestId,
        path: request.path,
        now,
        code: result.code,
        detail: result.detail
      })
      return { status: result.status, headers, body: JSON.stringify(json) }
    }

    if (route._tag === "NotFound") return respond({ _tag: "Error", status: 404, detail: "No such resource." })
    if (route._tag === "MethodNotAllowed") {
      return respond({ _tag: "Error", status: 405, code: "ADMIN-405-1" }, { Allow: route.allow.join(", ") })
    }

    perOperation[route.operationId] += 1
    const fault = faults.next(route.operationId)
    if (faults.keyRevoked() || bearerToken(request.headers.authorization) !== apiKey) {
      return respond({ _tag: "Error", status: 401 })
    }
    if (rate.exceededRetryAfterSeconds !== undefined) {
      return respond(
        { _tag: "Error", status: 429 },
        { "Retry-After": String(rate.exceededRetryAfterSeconds) }
      )
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

    const result = run(route.operationId, route.params, request)
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

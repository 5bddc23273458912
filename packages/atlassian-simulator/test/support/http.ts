/** A tiny HTTP helper for the tests: real requests over the socket with `fetch`. */
import { Effect } from "effect"
import type { RunningSimulator } from "../../src/Simulator.js"

export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The parsed body (undefined when it is not JSON). */
  readonly json: unknown
}

/** The shapes the tests read, as the OpenAPI document describes them. */
export interface UserDto {
  readonly accountId: string
  readonly accountType: string
  readonly status: string
  readonly accountStatus: string
  readonly membershipStatus: string
  readonly claimStatus: string
  readonly name: string
  readonly nickname: string
  readonly email?: string
  readonly mfaEnabled: boolean
  readonly platformRoles?: ReadonlyArray<string>
  readonly counts?: { readonly resources: number }
  readonly productAccess?: ReadonlyArray<{
    readonly key: string
    readonly id: string
    readonly lastActiveTimestamp?: string
  }>
  readonly groups?: ReadonlyArray<{
    readonly id: string
    readonly name: string | null
    readonly description: string | null
  }>
  readonly [field: string]: unknown
}

export interface Page<A> {
  readonly data: ReadonlyArray<A>
  readonly links: { readonly self?: string; readonly next?: string }
}

export interface ErrorsBody {
  readonly errors: ReadonlyArray<{
    readonly id: string
    readonly status: string
    readonly code: string
    readonly title: string
    readonly detail: string
  }>
}

/** Reads a reply's body as `A` (the tests assert on its fields). */
export const bodyOf = <A>(reply: Reply): A => reply.json as A

export interface RequestOptions {
  readonly method?: string
  readonly body?: unknown
  /** The bearer token; defaults to the simulator's key; `null` sends no Authorization header. */
  readonly apiKey?: string | null
  /** Extra headers (they win over the defaults, e.g. a basic `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>
}

export const call = (
  sim: RunningSimulator,
  path: string,
  options: RequestOptions = {}
): Effect.Effect<Reply> =>
  Effect.promise(async () => {
    const headers: Record<string, string> = { Accept: "application/json" }
    const apiKey = options.apiKey === undefined ? sim.apiKey : options.apiKey
    if (apiKey !== null) headers.Authorization = `Bearer ${apiKey}`
    Object.assign(headers, options.headers ?? {})
    let body: string | undefined
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json"
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body)
    }
    const response = await fetch(`${sim.baseUrl}${path}`, {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers,
      ...(body === undefined ? {} : { body })
    })
    const text = await response.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

/** `POST …/directories/{directoryId}/users/search` with `body`. */
export const searchUsers = (
  sim: RunningSimulator,
  body: unknown,
  directoryId = "-",
  options: RequestOptions = {}
) =>
  call(sim, `/admin/v2/orgs/${sim.orgId}/directories/${encodeURIComponent(directoryId)}/users/search`, {
    ...options,
    method: "POST",
    body
  })

/** Follows `links.next` until the last page; returns every page's body. */
export const walkUsers = (sim: RunningSimulator, firstBody: Record<string, unknown>, directoryId = "-") =>
  Effect.gen(function* () {
    const pages: Array<Page<UserDto>> = []
    let body: Record<string, unknown> = firstBody
    for (let guard = 0; guard < 10_000; guard++) {
      const reply = yield* searchUsers(sim, body, directoryId)
      if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.text}`)
      const page = bodyOf<Page<UserDto>>(reply)
      pages.push(page)
      const next = page.links.next
      if (next === undefined) return pages
      body = { cursor: next }
    }
    throw new Error("pagination did not end")
  })

/** A basic `Authorization` header value. */
export const basicAuth = (email: string, token: string) =>
  `Basic ${Buffer.from(`${email}:${token}`).toString("base64")}`

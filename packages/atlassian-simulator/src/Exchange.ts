/**
 * The simulator's transport-free request and response: handlers are plain functions from one to the other,
 * so they can be tested and benchmarked without sockets.
 */

export interface SimulatorRequest {
  readonly method: string
  /** The URL path, e.g. `/admin/v1/orgs`, still percent-encoded. */
  readonly path: string
  readonly query: URLSearchParams
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  /** The raw request body ("" when there is none). */
  readonly body: string
}

export interface SimulatorResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The serialised body, sent as is (fault injection may make it invalid JSON on purpose). */
  readonly body: string
  /** Wait this long before answering (latency faults). */
  readonly delayMillis?: number
  /** Destroy the connection instead of answering (reset faults); status, headers and body are unused. */
  readonly reset?: boolean
  /** Never answer, leaving the connection open (stall faults); status, headers and body are unused. */
  readonly stall?: boolean
}

/** What an operation handler produces, before headers, error bodies and fault injection are applied. */
export type OperationResult =
  | { readonly _tag: "Ok"; readonly json: unknown }
  | {
      readonly _tag: "Error"
      readonly status: number
      /** A specific ADMIN-… code, when there is one. */
      readonly code?: string
      readonly detail?: string
    }

export const ok = (json: unknown): OperationResult => ({ _tag: "Ok", json })

export const failure = (status: number, detail?: string, code?: string): OperationResult => ({
  _tag: "Error",
  status,
  ...(detail === undefined ? {} : { detail }),
  ...(code === undefined ? {} : { code })
})

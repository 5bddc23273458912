/**
 * What a failed exchange with no answer means, in words an operator can act on: a refused connection or an
 * unknown host (`unreachable`: the address is wrong or nothing listens there) versus a connection that broke
 * after it was made (`network`). The error codes are Node's (`ECONNREFUSED`, `ENOTFOUND`, …), found on the
 * cause chain of the platform's `RequestError`.
 */
import type { HttpClientError } from "@effect/platform"

const unreachableCodes: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "unknown host",
  EAI_AGAIN: "host name lookup failed (EAI_AGAIN)",
  EAI_NONAME: "unknown host",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EADDRNOTAVAIL: "address not available"
}

const networkCodes: Readonly<Record<string, string>> = {
  ECONNRESET: "connection reset",
  EPIPE: "connection closed while sending",
  ETIMEDOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out"
}

interface Found {
  readonly code: string | undefined
  readonly message: string | undefined
}

/** The first error code on the cause chain (and the innermost message), looking into `AggregateError`s. */
const inspect = (cause: unknown, depth = 0): Found => {
  if (depth > 6 || typeof cause !== "object" || cause === null) return { code: undefined, message: undefined }
  const record = cause as { readonly code?: unknown; readonly cause?: unknown; readonly errors?: unknown }
  const message = cause instanceof Error ? cause.message : undefined
  if (typeof record.code === "string" && (record.code in unreachableCodes || record.code in networkCodes))
    return { code: record.code, message }
  const nested = inspect(record.cause, depth + 1)
  if (nested.code !== undefined) return nested
  if (Array.isArray(record.errors)) {
    for (const inner of record.errors) {
      const found = inspect(inner, depth + 1)
      if (found.code !== undefined) return found
    }
  }
  return {
    code: typeof record.code === "string" ? record.code : undefined,
    message: nested.message ?? message
  }
}

/** The kind and the words for a failure without an answer. */
export const describeTransportFailure = (
  error: HttpClientError.HttpClientError
): { readonly kind: "unreachable" | "network"; readonly detail: string } => {
  const found = inspect(error.cause)
  if (found.code !== undefined) {
    const unreachable = unreachableCodes[found.code]
    if (unreachable !== undefined) return { kind: "unreachable", detail: unreachable }
    const network = networkCodes[found.code]
    if (network !== undefined) return { kind: "network", detail: network }
  }
  const words = found.message ?? (error._tag === "RequestError" ? error.description : undefined)
  return {
    kind: "network",
    detail: `${error.reason} error${words === undefined || words === "" ? "" : `: ${words}`}`
  }
}

/**
 * Reads what Atlassian said in an error body. The gateway and the services use different shapes
 * (`ProxyError {code, message}`, `Errors {errors:[{code, title, detail}]}`, `ApplicationError`,
 * `NoPerms {message, requestId}`), so this is deliberately lenient: it never fails, it only extracts.
 */
export interface ErrorBodyFacts {
  readonly errorCode: string | undefined
  readonly detail: string | undefined
  readonly requestId: string | undefined
}

const str = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined

export const readErrorBody = (text: string): ErrorBodyFacts => {
  let body: Record<string, unknown> | undefined
  try {
    body = record(JSON.parse(text))
  } catch {
    body = undefined
  }
  if (body === undefined) return { errorCode: undefined, detail: undefined, requestId: undefined }
  const first = Array.isArray(body.errors) ? record(body.errors[0]) : undefined
  const source = first ?? body
  const code = str(source.code)
  return {
    // ProxyError's numeric `code` is just the HTTP status again; only ADMIN-… codes are worth keeping.
    errorCode: code !== undefined && /[A-Za-z]/.test(code) ? code : undefined,
    detail: str(source.detail) ?? str(source.title) ?? str(source.message),
    requestId: str(body.requestId)
  }
}

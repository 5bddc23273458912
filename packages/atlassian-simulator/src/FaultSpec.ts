/**
 * The `--faults` string syntax of the CLI, parsed into `Fault`s with a clear error for a bad entry:
 *
 *   spec   := entry ("," entry)*
 *   entry  := target ":" action (":" option)*
 *   target := an operationId | "*" | alias (lastActive, workspaces, tenantInfo, applicationRoles)
 *   action := status=<400–599> | ratelimit=<n>/<s|min|h|<k>s> | latency=<ms>[~<jitter ms>]
 *           | reset | malformed | truncated | revoke | wrongtyped | repeated | repeatedcursor | hide=<n>
 *           | stall | redirect=<301|302|303|307|308>
 *   option := calls=<a>-<b> | calls=<a>- | calls=<n> (= nth) | nth=<n> | from=<n>
 *           | retryAfter=<seconds> (status only) | jitter=<ms> (latency only)
 *           | field=<name> | value=<JSON or text> | index=<n> (wrongtyped only)
 *           | to=<location, percent-encoded: http%3A//127.0.0.1%3A4011/x> (redirect only, required)
 *
 * e.g. `searchDirectoryUsers:status=503:calls=2-4,*:latency=50,getOrgById:reset:nth=1,lastActive:ratelimit=200/min`
 */
import { Data, Either } from "effect"
import * as Fault from "./Fault.js"
import { type OperationId, operationIds } from "./Operations.js"

export class FaultSpecError extends Data.TaggedError("FaultSpecError")<{
  /** The offending entry (or the whole spec when it is not entry-specific). */
  readonly entry: string
  readonly reason: string
}> {
  override get message() {
    return `Invalid fault "${this.entry}": ${this.reason}`
  }
}

/** Short names accepted in place of operationIds. */
export const operationAliases: Readonly<Record<string, OperationId>> = {
  lastActive: "getUserLastActiveDates",
  lastActiveDates: "getUserLastActiveDates",
  workspaces: "queryWorkspacesV2",
  tenantInfo: "getTenantInfo",
  applicationRoles: "getApplicationRoles"
}

const units: Readonly<Record<string, number>> = { s: 1, sec: 1, m: 60, min: 60, h: 3600 }

const positiveInteger = (text: string): number | undefined =>
  /^\d+$/.test(text) && Number.parseInt(text, 10) >= 1 ? Number.parseInt(text, 10) : undefined
const nonNegativeInteger = (text: string): number | undefined =>
  /^\d+$/.test(text) ? Number.parseInt(text, 10) : undefined

/** A `value=` option: JSON when it parses (`12345`, `null`, `"x"`), else the text itself (`abc 5`, `..`). */
const jsonOrText = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const isOperationId = (text: string): text is OperationId =>
  (operationIds as ReadonlyArray<string>).includes(text)

const parseTarget = (text: string): Either.Either<Fault.FaultOperation, string> => {
  if (text === "*") return Either.right("*")
  if (isOperationId(text)) return Either.right(text)
  const alias = operationAliases[text]
  if (alias !== undefined) return Either.right(alias)
  return Either.left(
    `unknown operation "${text}" (use an operationId such as ${operationIds.slice(0, 3).join(", ")}, "*", or one of ${Object.keys(operationAliases).join(", ")})`
  )
}

const parseCalls = (name: string, value: string): Fault.FaultCalls | string => {
  if (name === "nth") {
    const nth = positiveInteger(value)
    return nth === undefined ? `nth must be a positive integer, got "${value}"` : { nth }
  }
  if (name === "from") {
    const from = positiveInteger(value)
    return from === undefined ? `from must be a positive integer, got "${value}"` : { from }
  }
  const range = /^(\d+)(-(\d*))?$/.exec(value)
  const from = range?.[1] === undefined ? undefined : positiveInteger(range[1])
  if (range === null || from === undefined) {
    return `calls must be <n>, <a>-<b> or <a>- with positive integers, got "${value}"`
  }
  if (range[2] === undefined) return { nth: from }
  if (range[3] === undefined || range[3] === "") return { from }
  const to = positiveInteger(range[3])
  if (to === undefined || to < from) return `calls range "${value}" must end at or after its start`
  return { from, to }
}

type Action =
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "rateLimit"; readonly limit: number; readonly windowSeconds: number }
  | { readonly kind: "latency"; readonly millis: number; readonly jitterMillis: number | undefined }
  | { readonly kind: "reset" | "malformedBody" | "truncatedJson" | "revokeKey" }
  | { readonly kind: "wrongTypedRecord" | "repeatedPage" | "repeatedCursor" }
  | { readonly kind: "hiddenRecords"; readonly count: number }
  | { readonly kind: "stall" }
  | { readonly kind: "redirect"; readonly status: number }

const parseAction = (text: string): Action | string => {
  const [name = "", value] = text.split("=", 2) as [string, string | undefined]
  const noValue = (
    kind:
      | "reset"
      | "malformedBody"
      | "truncatedJson"
      | "revokeKey"
      | "wrongTypedRecord"
      | "repeatedPage"
      | "repeatedCursor"
  ) => (value === undefined ? { kind } : `"${name}" takes no value`)
  switch (name) {
    case "status": {
      const status = value === undefined ? undefined : nonNegativeInteger(value)
      return status === undefined || status < 400 || status > 599
        ? `status must be an HTTP error status 400–599, got "${value ?? ""}"`
        : { kind: "status", status }
    }
    case "ratelimit": {
      const match = value === undefined ? null : /^(\d+)\/(\d*)([a-z]+)$/.exec(value)
      const limit = match?.[1] === undefined ? undefined : positiveInteger(match[1])
      const unit = match?.[3] === undefined ? undefined : units[match[3]]
      const multiple = match?.[2] === undefined || match[2] === "" ? 1 : positiveInteger(match[2])
      if (limit === undefined || unit === undefined || multiple === undefined) {
        return `ratelimit must look like 200/min, 5/s, 1000/h or 10/30s, got "${value ?? ""}"`
      }
      return { kind: "rateLimit", limit, windowSeconds: unit * multiple }
    }
    case "latency": {
      const match = value === undefined ? null : /^(\d+)(~(\d+))?$/.exec(value)
      if (match?.[1] === undefined) return `latency must be <ms> or <ms>~<jitter ms>, got "${value ?? ""}"`
      return {
        kind: "latency",
        millis: Number.parseInt(match[1], 10),
        jitterMillis: match[3] === undefined ? undefined : Number.parseInt(match[3], 10)
      }
    }
    case "reset":
      return noValue("reset")
    case "malformed":
      return noValue("malformedBody")
    case "truncated":
      return noValue("truncatedJson")
    case "revoke":
      return noValue("revokeKey")
    case "wrongtyped":
      return noValue("wrongTypedRecord")
    case "repeated":
      return noValue("repeatedPage")
    case "repeatedcursor":
      return noValue("repeatedCursor")
    case "stall":
      return value === undefined ? { kind: "stall" } : `"${name}" takes no value`
    case "redirect": {
      const status = value === undefined ? undefined : nonNegativeInteger(value)
      return status === undefined || ![301, 302, 303, 307, 308].includes(status)
        ? `redirect must be a redirect status 301, 302, 303, 307 or 308, got "${value ?? ""}"`
        : { kind: "redirect", status }
    }
    case "hide": {
      const count = value === undefined ? undefined : positiveInteger(value)
      return count === undefined
        ? `hide must be a positive number of records, got "${value ?? ""}"`
        : { kind: "hiddenRecords", count }
    }
    default:
      return `unknown action "${name}" (status=, ratelimit=, latency=, reset, malformed, truncated, revoke, wrongtyped, repeated, repeatedcursor, hide=, stall, redirect=)`
  }
}

const parseEntry = (entry: string): Either.Either<Fault.Fault, FaultSpecError> => {
  const fail = (reason: string) => Either.left(new FaultSpecError({ entry, reason }))
  const [targetText = "", actionText, ...optionTexts] = entry.split(":")
  if (actionText === undefined || actionText === "") return fail("expected <operation>:<action>")
  const target = parseTarget(targetText)
  if (Either.isLeft(target)) return fail(target.left)
  const operation = target.right
  const action = parseAction(actionText)
  if (typeof action === "string") return fail(action)
  let calls: Fault.FaultCalls | undefined
  let retryAfterSeconds: number | undefined
  let jitterMillis = action.kind === "latency" ? action.jitterMillis : undefined
  const record: { field?: string; value?: unknown; index?: number } = {}
  let location: string | undefined
  for (const optionText of optionTexts) {
    const [name = "", value] = optionText.split("=", 2) as [string, string | undefined]
    if (value === undefined || value === "") return fail(`option "${optionText}" needs a value (name=value)`)
    if (name === "calls" || name === "nth" || name === "from") {
      if (calls !== undefined) return fail("give calls, nth or from at most once")
      const parsed = parseCalls(name, value)
      if (typeof parsed === "string") return fail(parsed)
      calls = parsed
    } else if (name === "retryAfter") {
      if (action.kind !== "status") return fail("retryAfter applies to status faults only")
      retryAfterSeconds = nonNegativeInteger(value)
      if (retryAfterSeconds === undefined) return fail(`retryAfter must be whole seconds, got "${value}"`)
    } else if (name === "jitter") {
      if (action.kind !== "latency") return fail("jitter applies to latency faults only")
      jitterMillis = nonNegativeInteger(value)
      if (jitterMillis === undefined) return fail(`jitter must be whole milliseconds, got "${value}"`)
    } else if (name === "to") {
      if (action.kind !== "redirect") return fail("to applies to redirect faults only")
      try {
        location = decodeURIComponent(value)
      } catch {
        return fail(`to must be a percent-encoded location, got "${value}"`)
      }
    } else if (name === "field" || name === "value" || name === "index") {
      if (action.kind !== "wrongTypedRecord") return fail(`${name} applies to wrongtyped faults only`)
      if (name === "field") record.field = value
      else if (name === "value") record.value = jsonOrText(value)
      else {
        const index = nonNegativeInteger(value)
        if (index === undefined) return fail(`index must be a whole number, got "${value}"`)
        record.index = index
      }
    } else {
      return fail(`unknown option "${name}" (calls, nth, from, retryAfter, jitter, field, value, index, to)`)
    }
  }
  const callsPart = calls === undefined ? {} : { calls }
  switch (action.kind) {
    case "status":
      return Either.right(
        Fault.status(operation, action.status, {
          ...callsPart,
          ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds })
        })
      )
    case "rateLimit":
      if (calls !== undefined) return fail("a ratelimit applies to every call; calls/nth/from do not apply")
      return Either.right(Fault.rateLimit(operation, action.limit, action.windowSeconds))
    case "latency":
      return Either.right(
        Fault.latency(operation, action.millis, {
          ...callsPart,
          ...(jitterMillis === undefined ? {} : { jitterMillis })
        })
      )
    case "reset":
      return Either.right(Fault.reset(operation, calls))
    case "malformedBody":
      return Either.right(Fault.malformedBody(operation, calls))
    case "truncatedJson":
      return Either.right(Fault.truncatedJson(operation, calls))
    case "revokeKey":
      return Either.right(Fault.revokeKey(calls ?? { from: 1 }, operation))
    case "wrongTypedRecord":
      return Either.right(Fault.wrongTypedRecord(operation, { ...callsPart, ...record }))
    case "repeatedPage":
      return Either.right(Fault.repeatedPage(operation, calls))
    case "repeatedCursor":
      return Either.right(Fault.repeatedCursor(operation, calls))
    case "hiddenRecords":
      return Either.right(Fault.hiddenRecords(operation, action.count, calls))
    case "stall":
      return Either.right(Fault.stall(operation, calls))
    case "redirect":
      if (location === undefined) return fail("a redirect needs its location: to=<percent-encoded location>")
      return Either.right(Fault.redirect(operation, location, { status: action.status, ...callsPart }))
  }
}

/** Parses a `--faults` string; the empty string is no faults. Whitespace around entries is ignored. */
export const parseFaultSpec = (spec: string): Either.Either<ReadonlyArray<Fault.Fault>, FaultSpecError> => {
  if (spec.trim() === "") return Either.right([])
  const faults: Array<Fault.Fault> = []
  for (const raw of spec.split(",")) {
    const entry = raw.trim()
    if (entry === "")
      return Either.left(new FaultSpecError({ entry: spec, reason: "empty entry between commas" }))
    const parsed = parseEntry(entry)
    if (Either.isLeft(parsed)) return Either.left(parsed.left)
    faults.push(parsed.right)
  }
  return Either.right(faults)
}

/**
 * The `SearchWorkspacesRequestV2` body: `limit` 1–1000 (default 20), an optional `query` (the
 * `QueryVariants` operators) and `sort`; a `cursor` must come alone ("no other properties may be present").
 */
import { Either } from "effect"

/** The `QueryVariants` the simulator evaluates. */
export type WorkspaceQuery =
  | { readonly and: ReadonlyArray<WorkspaceQuery> }
  | { readonly nor: ReadonlyArray<WorkspaceQuery> }
  | { readonly field: { readonly name: string; readonly values: ReadonlyArray<string> } }
  | { readonly searchWorkspaces: string }
  | { readonly features: ReadonlyArray<string> }
  | { readonly policies: ReadonlyArray<string> }

export interface WorkspaceSort {
  readonly field: string
  readonly order: "asc" | "desc"
}

/** What a cursor carries: the normalised query and sort. */
export interface WorkspaceListing {
  readonly query: WorkspaceQuery | null
  readonly sort: ReadonlyArray<WorkspaceSort>
}

export type WorkspaceRequest =
  | { readonly _tag: "Cursor"; readonly cursor: string }
  | { readonly _tag: "First"; readonly listing: WorkspaceListing; readonly limit: number }

/** Field names a `field` operand and `sort` may name. */
export const workspaceFields = [
  "id",
  "type",
  "attributes.name",
  "attributes.typeKey",
  "attributes.type",
  "attributes.status",
  "attributes.hostUrl",
  "attributes.realm",
  "attributes.createdAt"
] as const
export type WorkspaceField = (typeof workspaceFields)[number]
const isWorkspaceField = (name: string): name is WorkspaceField =>
  (workspaceFields as ReadonlyArray<string>).includes(name)

export const defaultWorkspaceLimit = 20
export const maxWorkspaceLimit = 1000

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
const isStringArray = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((item) => typeof item === "string")

/** Validates one `QueryVariants` node; `path` names it in the message. */
export const parseWorkspaceQuery = (
  value: unknown,
  path = "query"
): Either.Either<WorkspaceQuery | null, string> => {
  if (value === null) return Either.right(null)
  if (!isRecord(value)) return Either.left(`${path}: Expected an object`)
  const keys = Object.keys(value)
  if (keys.length !== 1) return Either.left(`${path}: Expected exactly one operator, got ${keys.length}`)
  const key = keys[0]!
  const operand = value[key]
  switch (key) {
    case "and":
    case "nor": {
      if (!Array.isArray(operand)) return Either.left(`${path}.${key}: Expected an array`)
      const nested: Array<WorkspaceQuery> = []
      for (const [index, item] of operand.entries()) {
        const parsed = parseWorkspaceQuery(item, `${path}.${key}.${index}`)
        if (Either.isLeft(parsed)) return Either.left(parsed.left)
        if (parsed.right !== null) nested.push(parsed.right)
      }
      return Either.right(key === "and" ? { and: nested } : { nor: nested })
    }
    case "field": {
      if (!isRecord(operand) || typeof operand.name !== "string") {
        return Either.left(`${path}.field: Expected {name, values}`)
      }
      if (!isWorkspaceField(operand.name)) {
        return Either.left(
          `${path}.field.name: Unsupported field "${operand.name}" (one of ${workspaceFields.join(", ")})`
        )
      }
      const values = operand.values ?? []
      if (!isStringArray(values)) return Either.left(`${path}.field.values: Expected an array of strings`)
      return Either.right({ field: { name: operand.name, values } })
    }
    case "searchWorkspaces":
    case "value":
      if (typeof operand !== "string") return Either.left(`${path}.${key}: Expected a string`)
      return Either.right({ searchWorkspaces: operand })
    case "features":
    case "policies":
      if (!isStringArray(operand)) return Either.left(`${path}.${key}: Expected an array of strings`)
      return Either.right(key === "features" ? { features: operand } : { policies: operand })
    default:
      return Either.left(`${path}: Unknown operator "${key}"`)
  }
}

const parseSort = (value: unknown): Either.Either<ReadonlyArray<WorkspaceSort>, string> => {
  if (value === undefined || value === null) return Either.right([])
  if (!Array.isArray(value)) return Either.left("sort: Expected an array")
  const sort: Array<WorkspaceSort> = []
  for (const [index, item] of value.entries()) {
    if (!isRecord(item) || typeof item.field !== "string")
      return Either.left(`sort.${index}: Expected {field, order}`)
    if (!isWorkspaceField(item.field))
      return Either.left(`sort.${index}.field: Unsupported field "${item.field}"`)
    const order = item.order ?? "asc"
    if (order !== "asc" && order !== "desc") {
      return Either.left(`sort.${index}.order: Expected "asc" | "desc", actual ${JSON.stringify(order)}`)
    }
    sort.push({ field: item.field, order })
  }
  return Either.right(sort)
}

export const parseWorkspaceRequest = (body: string): Either.Either<WorkspaceRequest, string> => {
  let json: unknown = {}
  if (body.trim() !== "") {
    try {
      json = JSON.parse(body)
    } catch {
      return Either.left("The request body is not valid JSON.")
    }
  }
  if (!isRecord(json)) return Either.left("The request body must be a JSON object.")
  const cursor = json.cursor
  if (cursor !== undefined && cursor !== null) {
    if (typeof cursor !== "string") return Either.left("cursor: Expected a string")
    const others = Object.keys(json).filter((key) => key !== "cursor")
    if (others.length > 0) {
      return Either.left(
        `When a cursor is provided in the request body, no other properties may be present (got ${others.join(", ")}).`
      )
    }
    return Either.right({ _tag: "Cursor", cursor })
  }
  const limit = json.limit ?? defaultWorkspaceLimit
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > maxWorkspaceLimit) {
    return Either.left(
      `limit: Expected an integer between 1 and ${maxWorkspaceLimit}, actual ${JSON.stringify(limit)}`
    )
  }
  const query = parseWorkspaceQuery(json.query ?? null)
  if (Either.isLeft(query)) return Either.left(query.left)
  const sort = parseSort(json.sort)
  if (Either.isLeft(sort)) return Either.left(sort.left)
  return Either.right({ _tag: "First", listing: { query: query.right, sort: sort.right }, limit })
}

/** Re-checks the listing a cursor carries (it was valid when issued; this guards against tampering). */
export const isWorkspaceListing = (value: unknown): value is WorkspaceListing =>
  isRecord(value) &&
  Array.isArray(value.sort) &&
  Either.isRight(parseWorkspaceQuery(value.query ?? null)) &&
  Either.isRight(parseSort(value.sort))

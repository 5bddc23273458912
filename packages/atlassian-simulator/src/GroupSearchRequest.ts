/**
 * The `MultiDirectoryGroupSearchRequest` body (and the `groups/count` query), validated as the OpenAPI
 * document constrains them: limit 1–100, unique bounded arrays, the `expand` and `sortBy` enums,
 * `groupNames` exclusive with both `searchTerm` and `groupIds`.
 */
import { Either, Schema } from "effect"
import { describeParseError } from "./QueryParams.js"
import { RoleIdSchema } from "./UserSearchRequest.js"

const uniqueList = <A, I>(item: Schema.Schema<A, I>, max: number) =>
  Schema.Array(item).pipe(
    Schema.minItems(1),
    Schema.maxItems(max),
    Schema.filter((items) => new Set(items).size === items.length || "Expected unique items")
  )

export const GroupExpand = Schema.Literal("counts.resources", "counts.users")
export type GroupExpand = typeof GroupExpand.Type

/** The filter part of a group search: what a cursor carries and resumes. */
export const GroupQuery = Schema.Struct({
  accountIds: Schema.optional(uniqueList(Schema.String, 10)),
  directoryIds: Schema.optional(uniqueList(Schema.String, 10)),
  groupIds: Schema.optional(uniqueList(Schema.String, 10)),
  groupNames: Schema.optional(uniqueList(Schema.String, 100)),
  resourceIds: Schema.optional(uniqueList(Schema.String, 20)),
  resourceOwners: Schema.optional(uniqueList(Schema.String, 10)),
  // The search body types roleIds as plain strings; the count query restricts them to the role enum.
  roleIds: Schema.optional(uniqueList(Schema.String, 10)),
  searchTerm: Schema.optional(Schema.String),
  expand: Schema.optional(uniqueList(GroupExpand, 2)),
  sortBy: Schema.optional(
    Schema.Array(
      Schema.Struct({ field: Schema.Literal("name"), direction: Schema.Literal("asc", "desc") })
    ).pipe(Schema.minItems(1), Schema.maxItems(1))
  )
})
export type GroupQuery = typeof GroupQuery.Type
export const isGroupQuery = Schema.is(GroupQuery)

export const GroupSearchRequest = Schema.Struct({
  ...GroupQuery.fields,
  cursor: Schema.optional(Schema.String),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 100)))
})
export type GroupSearchRequest = typeof GroupSearchRequest.Type

/** The `groups/count` query parameters. */
export const GroupCountQuery = Schema.Struct({
  directoryIds: Schema.optional(uniqueList(Schema.String, 10)),
  accountIds: Schema.optional(uniqueList(Schema.String, 10)),
  groupIds: Schema.optional(uniqueList(Schema.String, 10)),
  resourceOwners: Schema.optional(uniqueList(Schema.String, 10)),
  resourceIds: Schema.optional(uniqueList(Schema.String, 20)),
  searchTerm: Schema.optional(Schema.String),
  roleIds: Schema.optional(uniqueList(RoleIdSchema, 10))
})

/** The documented mutual exclusions; a message when violated. */
export const exclusionProblem = (query: {
  readonly groupNames?: unknown
  readonly searchTerm?: unknown
  readonly groupIds?: unknown
}): string | undefined => {
  if (query.groupNames === undefined) return undefined
  if (query.searchTerm !== undefined) return "searchTerm and groupNames are mutually exclusive."
  if (query.groupIds !== undefined) return "groupIds and groupNames are mutually exclusive."
  return undefined
}

/** Parses and validates a raw body; an empty body is the empty search. */
export const parseGroupSearchRequest = (body: string): Either.Either<GroupSearchRequest, string> => {
  let json: unknown = {}
  if (body.trim() !== "") {
    try {
      json = JSON.parse(body)
    } catch {
      return Either.left("The request body is not valid JSON.")
    }
  }
  return Schema.decodeUnknownEither(GroupSearchRequest)(json).pipe(
    Either.mapLeft(describeParseError),
    Either.flatMap((request) => {
      const problem = exclusionProblem(request)
      return problem === undefined ? Either.right(request) : Either.left(problem)
    })
  )
}

/** The query part of a request, without `cursor` and `limit`. */
export const groupQueryOf = (request: GroupSearchRequest): GroupQuery => {
  const { cursor: _cursor, limit: _limit, ...query } = request
  return query
}

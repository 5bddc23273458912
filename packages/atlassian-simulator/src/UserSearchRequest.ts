/**
 * The `MultiDirectoryUserSearchRequest` body, validated exactly as the OpenAPI document constrains it
 * (limit 1–100, array sizes, enums, unique items, `searchTerm` XOR `emails`).
 */
import { Either, ParseResult, Schema } from "effect"

const boundedList = <A, I>(item: Schema.Schema<A, I>, min: number, max: number) =>
  Schema.Array(item).pipe(Schema.minItems(min), Schema.maxItems(max))

const uniqueItems = <A>(self: Schema.Schema<ReadonlyArray<A>>) =>
  self.pipe(
    Schema.filter((items) => new Set(items).size === items.length || "Expected unique items", {
      identifier: "UniqueItems"
    })
  )

export const UserExpand = Schema.Literal("platformRoles", "counts.resources", "productAccess", "groups")
export type UserExpand = typeof UserExpand.Type

export const RoleIdSchema = Schema.Literal(
  "atlassian/user",
  "atlassian/admin",
  "atlassian/guest",
  "atlassian/customer",
  "atlassian/user-access-admin",
  "atlassian/contributor",
  "atlassian/basic",
  "atlassian/stakeholder",
  "atlassian/org-admin",
  "atlassian/site-admin",
  "atlassian/ai-access"
)

export const SortBy = Schema.Struct({
  field: Schema.Literal("nick_name"),
  direction: Schema.Literal("asc", "desc")
})

/** The filter part of a search: what a cursor carries and resumes. */
export const UserQuery = Schema.Struct({
  accountIds: Schema.optional(boundedList(Schema.String, 1, 10)),
  directoryIds: Schema.optional(boundedList(Schema.String, 1, 10)),
  resourceIds: Schema.optional(boundedList(Schema.String, 1, 20)),
  groupIds: Schema.optional(boundedList(Schema.String, 1, 10)),
  mfaEnabled: Schema.optional(Schema.Boolean),
  claimStatus: Schema.optional(Schema.Literal("managed", "unmanaged")),
  status: Schema.optional(
    boundedList(Schema.Literal("active", "suspended", "not_invited", "deactivated", "for_deletion"), 1, 4)
  ),
  accountStatus: Schema.optional(boundedList(Schema.Literal("active", "inactive", "closed"), 1, 3)),
  membershipStatus: Schema.optional(
    boundedList(Schema.Literal("active", "suspended", "no_membership"), 1, 3)
  ),
  roleIds: Schema.optional(boundedList(RoleIdSchema, 1, 10)),
  emailDomains: Schema.optional(boundedList(Schema.String, 1, 10)),
  searchTerm: Schema.optional(Schema.String),
  emails: Schema.optional(uniqueItems(boundedList(Schema.String, 1, 100))),
  expand: Schema.optional(uniqueItems(Schema.Array(UserExpand))),
  // "If null, the default sorting will be used."
  sortBy: Schema.optional(Schema.NullOr(boundedList(SortBy, 1, 1)))
})
export type UserQuery = typeof UserQuery.Type

export const UserSearchRequest = Schema.Struct({
  ...UserQuery.fields,
  cursor: Schema.optional(Schema.String),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 100)))
})
export type UserSearchRequest = typeof UserSearchRequest.Type

export const isUserQuery = Schema.is(UserQuery)

/** The first validation problem, as `path: message`. */
const describe = (error: ParseResult.ParseError): string => {
  const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  if (first === undefined) return error.message
  return first.path.length === 0 ? first.message : `${first.path.map(String).join(".")}: ${first.message}`
}

/** Parses and validates a raw body; an empty body is the empty search. */
export const parseUserSearchRequest = (body: string): Either.Either<UserSearchRequest, string> => {
  let json: unknown = {}
  if (body.trim() !== "") {
    try {
      json = JSON.parse(body)
    } catch {
      return Either.left("The request body is not valid JSON.")
    }
  }
  return Schema.decodeUnknownEither(UserSearchRequest)(json).pipe(
    Either.mapLeft(describe),
    Either.filterOrLeft(
      (request) => request.searchTerm === undefined || request.emails === undefined,
      () => "searchTerm and emails are mutually exclusive."
    )
  )
}

/** The query part of a request, without `cursor` and `limit`, with absent fields left out. */
export const queryOf = (request: UserSearchRequest): UserQuery => {
  const { cursor: _cursor, limit: _limit, ...query } = request
  return query
}

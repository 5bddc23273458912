/**
 * The client decodes the examples of Atlassian's OpenAPI document. The document gives its examples on
 * schemas and properties rather than whole responses, so each 200 response is assembled from them: a
 * schema's own `example` wins, otherwise an object is built from its properties' examples (every
 * optional property included, so enums and nested shapes are exercised) and an array from its item.
 */
import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Either, ParseResult, Schema } from "effect"
import {
  Count,
  DirectoryGroupPage,
  DirectoryPage,
  DirectoryUserPage,
  GroupRoleAssignmentPage,
  GroupStats,
  LastActiveDatesPage,
  ManagedAccountPage,
  Org,
  OrgPage,
  UserRoleAssignmentPage,
  UserStats,
  WorkspacePage
} from "../src/index.js"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type JsonObject = { readonly [key: string]: Json }

const documentPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../atlassian-simulator/openapi/organization-openapi.json"
)
const document = JSON.parse(readFileSync(documentPath, "utf8")) as JsonObject

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const resolve = (schema: JsonObject): JsonObject => {
  const ref = schema.$ref
  if (typeof ref !== "string") return schema
  let target: Json = document
  for (const part of ref.replace(/^#\//, "").split("/")) target = isObject(target) ? target[part]! : null
  if (!isObject(target)) throw new Error(`unresolvable ${ref}`)
  return resolve(target)
}

/** The example value a schema documents, built bottom-up from the examples of its parts. */
const exampleOf = (raw: JsonObject, depth = 0): Json => {
  const schema = resolve(raw)
  if (depth > 12) return null
  if (schema.example !== undefined) return schema.example
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf
  if (Array.isArray(variants) && variants.length > 0 && isObject(variants[0]))
    return exampleOf(variants[0], depth + 1)
  if (schema.type === "array" && isObject(schema.items)) {
    const item = resolve(schema.items)
    // Quirk of the document: `PlatformRole` gives an array as the example of a single enum value.
    if (Array.isArray(item.example)) return item.example
    return [exampleOf(item, depth + 1)]
  }
  if (schema.type === "object" || isObject(schema.properties)) {
    const properties = isObject(schema.properties) ? schema.properties : {}
    return Object.fromEntries(
      Object.entries(properties).flatMap(([name, property]) =>
        isObject(property) ? [[name, exampleOf(property, depth + 1)] as const] : []
      )
    )
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]!
  switch (schema.type) {
    case "string":
      return schema.format === "date-time" ? "2026-01-01T00:00:00Z" : "text"
    case "integer":
    case "number":
      return 1
    case "boolean":
      return true
    default:
      return null
  }
}

const responseSchemaOf = (method: string, route: string): JsonObject => {
  const paths = document.paths
  const operation = isObject(paths) && isObject(paths[route]) ? paths[route][method] : undefined
  const responses = isObject(operation) ? operation.responses : undefined
  const ok = isObject(responses) ? resolve(responses["200"] as JsonObject) : undefined
  const content = ok && isObject(ok.content) ? ok.content["application/json"] : undefined
  if (!isObject(content) || !isObject(content.schema)) throw new Error(`no 200 schema for ${method} ${route}`)
  return content.schema
}

const cases: ReadonlyArray<readonly [string, string, Schema.Schema.AnyNoContext]> = [
  ["get", "/v1/orgs", OrgPage],
  ["get", "/v1/orgs/{orgId}", Org],
  ["get", "/v1/orgs/{orgId}/users", ManagedAccountPage],
  ["get", "/v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates", LastActiveDatesPage],
  ["get", "/v2/orgs/{orgId}/directories", DirectoryPage],
  ["post", "/v2/orgs/{orgId}/directories/{directoryId}/users/search", DirectoryUserPage],
  ["get", "/v2/orgs/{orgId}/directories/{directoryId}/users/count", Count],
  ["get", "/v2/orgs/{orgId}/directories/{directoryId}/users/stats", UserStats],
  [
    "get",
    "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/role-assignments",
    UserRoleAssignmentPage
  ],
  ["post", "/v2/orgs/{orgId}/directories/{directoryId}/groups/search", DirectoryGroupPage],
  ["get", "/v2/orgs/{orgId}/directories/{directoryId}/groups/count", Count],
  ["get", "/v2/orgs/{orgId}/directories/{directoryId}/groups/stats", GroupStats],
  [
    "get",
    "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments",
    GroupRoleAssignmentPage
  ],
  ["post", "/v2/orgs/{orgId}/workspaces", WorkspacePage]
]

describe("the OpenAPI document's examples", () => {
  for (const [method, route, schema] of cases) {
    it(`decode as ${method.toUpperCase()} ${route}`, () => {
      const example = exampleOf(responseSchemaOf(method, route))
      const result = Schema.decodeUnknownEither(schema, { onExcessProperty: "ignore" })(example)
      if (Either.isLeft(result)) {
        throw new Error(
          `${JSON.stringify(example)}\n${ParseResult.TreeFormatter.formatErrorSync(result.left)}`
        )
      }
      expect(Either.isRight(result)).toBe(true)
    })
  }

  it("include the documented directory page example verbatim", () => {
    const page = exampleOf(responseSchemaOf("get", "/v2/orgs/{orgId}/directories"))
    const decoded = Schema.decodeUnknownSync(DirectoryPage)(page)
    expect(decoded.data?.[0]?.name).toBe("Primary Directory")
  })
})

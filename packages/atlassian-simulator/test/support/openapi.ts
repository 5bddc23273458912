/**
 * Validates bodies against the response schemas of Atlassian's OpenAPI document (vendored in
 * `openapi/organization-openapi.json`) with Ajv. OpenAPI 3.0 `nullable` is rewritten to `anyOf [..., null]`
 * first, because Ajv's own `nullable` only widens a sibling `type` and ignores `$ref` siblings.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Ajv, type ValidateFunction } from "ajv"
import addFormatsModule from "ajv-formats"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type JsonObject = { readonly [key: string]: Json }

export const openApiPath = fileURLToPath(new URL("../../openapi/organization-openapi.json", import.meta.url))

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// ajv-formats is CommonJS; depending on interop its plugin is the default export or `.default` of it.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv
) => Ajv

/** `{…, nullable: true}` → `{anyOf: [{…}, {type: "null"}]}`, everywhere in the document. */
const rewriteNullable = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(rewriteNullable)
  if (!isObject(node)) return node
  const rewritten: Record<string, Json> = {}
  for (const [key, value] of Object.entries(node))
    if (key !== "nullable") rewritten[key] = rewriteNullable(value)
  return node.nullable === true ? { anyOf: [rewritten, { type: "null" }] } : rewritten
}

const pointerSegment = (segment: string) =>
  encodeURIComponent(segment.replace(/~/g, "~0").replace(/\//g, "~1"))

export interface OpenApiValidator {
  /** Violations of the schema declared for `method template` → `status`; undefined when it declares none. */
  readonly check: (
    method: string,
    template: string,
    status: number,
    body: unknown
  ) => ReadonlyArray<string> | undefined
  /** Violations of an ad-hoc schema (which may `$ref` the document as `openapi#/components/…`). */
  readonly checkSchema: (schema: object, body: unknown) => ReadonlyArray<string>
}

export const loadOpenApi = (): OpenApiValidator => {
  const doc = rewriteNullable(JSON.parse(readFileSync(openApiPath, "utf8")) as Json) as JsonObject
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormats(ajv)
  ajv.addFormat("int32", true)
  ajv.addFormat("int64", true)
  ajv.addSchema(doc, "openapi")
  const compiled = new Map<string, ValidateFunction>()
  const errorsOf = (validate: ValidateFunction, body: unknown) =>
    validate(body)
      ? []
      : (validate.errors ?? []).map(
          (error) => `${error.instancePath || "/"} ${error.message ?? "is invalid"}`
        )

  return {
    check: (method, template, status, body) => {
      const paths = doc.paths
      const operation =
        isObject(paths) && isObject(paths[template]) ? paths[template][method.toLowerCase()] : undefined
      const responses = isObject(operation) ? operation.responses : undefined
      const declared = isObject(responses) ? responses[String(status)] : undefined
      if (!isObject(declared)) return undefined
      // Point at the schema inside the document, so its own $refs resolve against it.
      const base =
        typeof declared.$ref === "string"
          ? declared.$ref
          : `#/paths/${pointerSegment(template)}/${method.toLowerCase()}/responses/${status}`
      const pointer = `openapi${base}/content/${pointerSegment("application/json")}/schema`
      let validate = compiled.get(pointer)
      if (validate === undefined) {
        validate = ajv.compile({ $ref: pointer })
        compiled.set(pointer, validate)
      }
      return errorsOf(validate, body)
    },
    checkSchema: (schema, body) => errorsOf(ajv.compile(schema), body)
  }
}

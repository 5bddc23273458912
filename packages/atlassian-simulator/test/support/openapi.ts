/**
 * Validates bodies against the response schemas of Atlassian's OpenAPI document with Ajv (OpenAPI 3.0
 * `nullable` and the date-time format included), for the contract tests.
 */
import { existsSync, readFileSync } from "node:fs"
import { Ajv, type ValidateFunction } from "ajv"
import addFormatsModule from "ajv-formats"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type JsonObject = { readonly [key: string]: Json }

/** Where the contract lives; override with SEATSYNC_OPENAPI. */
export const openApiPath = process.env.SEATSYNC_OPENAPI ?? "/work/shared/atlassian/organization-openapi.json"

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// ajv-formats is CommonJS; depending on interop its plugin is the default export or `.default` of it.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv
) => Ajv

export interface OpenApiValidator {
  /** Violations of the schema declared for `method template` → `status`; undefined when it declares none. */
  readonly check: (
    method: string,
    template: string,
    status: number,
    body: unknown
  ) => ReadonlyArray<string> | undefined
}

export const loadOpenApi = (): OpenApiValidator | undefined => {
  if (!existsSync(openApiPath)) return undefined
  const doc = JSON.parse(readFileSync(openApiPath, "utf8")) as JsonObject
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormats(ajv)
  ajv.addFormat("int32", true)
  ajv.addFormat("int64", true)
  ajv.addSchema(doc, "openapi")
  const compiled = new Map<string, ValidateFunction>()

  const resolve = (node: JsonObject): JsonObject => {
    let current = node
    while (typeof current.$ref === "string") {
      let target: Json | undefined = doc
      for (const part of current.$ref.replace(/^#\//, "").split("/"))
        target = isObject(target) ? target[part] : undefined
      if (!isObject(target)) throw new Error(`unresolvable $ref ${current.$ref}`)
      current = target
    }
    return current
  }

  return {
    check: (method, template, status, body) => {
      const paths = doc.paths
      const operation =
        isObject(paths) && isObject(paths[template]) ? paths[template][method.toLowerCase()] : undefined
      const responses = isObject(operation) ? operation.responses : undefined
      const declared = isObject(responses) ? responses[String(status)] : undefined
      if (!isObject(declared)) return undefined
      const content = resolve(declared).content
      const media = isObject(content) ? content["application/json"] : undefined
      const schema = isObject(media) ? media.schema : undefined
      if (!isObject(schema) || typeof schema.$ref !== "string")
        throw new Error(`no $ref schema for ${template} ${status}`)
      const ref = `openapi${schema.$ref}`
      let validate = compiled.get(ref)
      if (validate === undefined) {
        validate = ajv.compile({ $ref: ref })
        compiled.set(ref, validate)
      }
      return validate(body)
        ? []
        : (validate.errors ?? []).map(
            (error) => `${error.instancePath || "/"} ${error.message ?? "is invalid"}`
          )
    }
  }
}

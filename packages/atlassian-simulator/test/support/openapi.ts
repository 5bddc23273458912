/**
 * A small OpenAPI 3.0 schema checker for the contract tests ($ref, allOf/anyOf/oneOf, nullable, type, enum,
 * properties/required/additionalProperties, items and array bounds, numeric bounds, date-time format).
 */
import { existsSync, readFileSync } from "node:fs"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type SchemaObject = { readonly [key: string]: Json }

/** Where the contract lives; override with SEATSYNC_OPENAPI. */
export const openApiPath = process.env.SEATSYNC_OPENAPI ?? "/work/shared/atlassian/organization-openapi.json"

export const loadOpenApi = (): SchemaObject | undefined =>
  existsSync(openApiPath) ? (JSON.parse(readFileSync(openApiPath, "utf8")) as SchemaObject) : undefined

const isObject = (value: unknown): value is SchemaObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const resolve = (doc: SchemaObject, node: SchemaObject): SchemaObject => {
  let current = node
  for (let depth = 0; typeof current.$ref === "string" && depth < 20; depth++) {
    let target: Json | undefined = doc
    for (const part of current.$ref.replace(/^#\//, "").split("/")) {
      target = isObject(target) ? target[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined
    }
    if (!isObject(target)) throw new Error(`unresolvable $ref ${current.$ref}`)
    current = target
  }
  return current
}

const typeOf = (value: unknown) =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "array"
      : typeof value === "number"
        ? "number"
        : typeof value

/** Every violation of `schema` by `value`, as `path: problem`. */
export const validate = (
  doc: SchemaObject,
  schemaNode: SchemaObject,
  value: unknown,
  path = "$"
): Array<string> => {
  const schema = resolve(doc, schemaNode)
  const errors: Array<string> = []
  if (value === null && schema.nullable === true) return errors
  const subs = (key: string) =>
    Array.isArray(schema[key]) ? (schema[key] as ReadonlyArray<SchemaObject>) : []
  for (const sub of subs("allOf")) errors.push(...validate(doc, sub, value, path))
  if (
    subs("anyOf").length > 0 &&
    !subs("anyOf").some((sub) => validate(doc, sub, value, path).length === 0)
  ) {
    errors.push(`${path}: matches none of anyOf`)
  }
  if (
    subs("oneOf").length > 0 &&
    subs("oneOf").filter((sub) => validate(doc, sub, value, path).length === 0).length !== 1
  ) {
    errors.push(`${path}: does not match exactly one of oneOf`)
  }
  const type = schema.type
  if (typeof type === "string") {
    const actual = typeOf(value)
    const ok =
      type === actual ||
      (type === "integer" && actual === "number" && Number.isInteger(value)) ||
      (type === "number" && actual === "number")
    if (!ok) return [...errors, `${path}: expected ${type}, got ${actual}`]
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => option === value)) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`)
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) errors.push(`${path}: below minimum`)
    if (typeof schema.maximum === "number" && value > schema.maximum) errors.push(`${path}: above maximum`)
  }
  if (typeof value === "string" && schema.format === "date-time") {
    if (
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) ||
      Number.isNaN(Date.parse(value))
    ) {
      errors.push(`${path}: ${value} is not a date-time`)
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems)
      errors.push(`${path}: too few items`)
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
      errors.push(`${path}: too many items`)
    if (
      schema.uniqueItems === true &&
      new Set(value.map((item) => JSON.stringify(item))).size !== value.length
    ) {
      errors.push(`${path}: items are not unique`)
    }
    if (isObject(schema.items)) {
      const items = schema.items
      value.forEach((item, index) => {
        errors.push(...validate(doc, items, item, `${path}[${index}]`))
      })
    }
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {}
    if (Array.isArray(schema.required)) {
      for (const name of schema.required) {
        if (typeof name === "string" && !(name in value)) errors.push(`${path}: missing required ${name}`)
      }
    }
    for (const [name, propertyValue] of Object.entries(value)) {
      const property = properties[name]
      if (isObject(property)) errors.push(...validate(doc, property, propertyValue, `${path}.${name}`))
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected property ${name}`)
      else if (isObject(schema.additionalProperties)) {
        errors.push(...validate(doc, schema.additionalProperties, propertyValue, `${path}.${name}`))
      }
    }
  }
  return errors
}

/** The JSON schema of the response `status` of `method template`, or undefined when it is not declared. */
export const responseSchema = (
  doc: SchemaObject,
  method: string,
  template: string,
  status: number
): SchemaObject | undefined => {
  const paths = doc.paths
  const operation =
    isObject(paths) && isObject(paths[template]) ? paths[template][method.toLowerCase()] : undefined
  const responses = isObject(operation) ? operation.responses : undefined
  const declared = isObject(responses) ? responses[String(status)] : undefined
  if (!isObject(declared)) return undefined
  const response = resolve(doc, declared)
  const content = isObject(response.content) ? response.content["application/json"] : undefined
  return isObject(content) && isObject(content.schema) ? content.schema : undefined
}

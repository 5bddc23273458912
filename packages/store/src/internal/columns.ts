/** Column lists and per-column encodings of an entity definition, built from constants only (never input). */
import type { Column, EntityDefinition } from "../Entities.js"
import { booleanArray, integerArray, nestedTextArray, textArray, timestampArray } from "./pgArray.js"

/** Every column an entity stages: keys, content, carried. */
export const stagedColumns = <A>(def: EntityDefinition<A>): ReadonlyArray<Column<A>> => [
  ...def.keys,
  ...def.content,
  ...def.carried
]

/** `render(column)` joined with `, `. */
export const list = <A>(columns: ReadonlyArray<Column<A>>, render: (column: string) => string): string =>
  columns.map(({ column }) => render(column)).join(", ")

/** `u.k1 = s.k1 AND …`. */
export const keyJoin = <A>(def: EntityDefinition<A>, left: string, right: string): string =>
  def.keys.map(({ column }) => `${left}.${column} = ${right}.${column}`).join(" AND ")

/** `jsonb_build_object('k1', alias.k1, …)`: how `change_log.entity_key` names a row. */
export const keyJson = <A>(def: EntityDefinition<A>, alias: string): string =>
  `jsonb_build_object(${def.keys.map(({ column }) => `'${column}', ${alias}.${column}`).join(", ")})`

/** The whole array literal of one column over a batch of records. */
export const arrayLiteral = <A>(column: Column<A>, records: ReadonlyArray<A>): string => {
  const values = records.map((record) => record[column.field])
  switch (column.type) {
    case "boolean":
      return booleanArray(values as ReadonlyArray<boolean | null>)
    case "integer":
      return integerArray(values as ReadonlyArray<number | null>)
    case "timestamptz":
      return timestampArray(values as ReadonlyArray<Date | null>)
    case "text[]":
      return nestedTextArray(values as ReadonlyArray<ReadonlyArray<string>>)
    case "text":
      return textArray(values as ReadonlyArray<string | null>)
  }
}

const copyEscape = /[\\\t\n\r]/g
const copyEscapes: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" }

/** One field in COPY's text format (`\N` for null). */
export const copyField = <A>(column: Column<A>, record: A): string => {
  const value = record[column.field]
  if (value === null || value === undefined) return "\\N"
  let raw: string
  switch (column.type) {
    case "boolean":
      raw = value ? "t" : "f"
      break
    case "integer":
      raw = String(Math.trunc(value as unknown as number))
      break
    case "timestamptz":
      raw = (value as unknown as Date).toISOString()
      break
    case "text[]":
      raw = textArray(value as unknown as ReadonlyArray<string>)
      break
    case "text":
      raw = value as string
      break
  }
  return raw.replace(copyEscape, (c) => copyEscapes[c] ?? c)
}

/**
 * PostgreSQL array literals (`{"a","b",NULL}`) built in one pass: several times faster than node-postgres'
 * generic array serialisation, which matters when staging tens of thousands of rows per statement.
 */

const needsEscape = /["\\]/
const escapeElement = /["\\]/g

const quote = (value: string): string =>
  needsEscape.test(value) ? `"${value.replace(escapeElement, "\\$&")}"` : `"${value}"`

const literal = <A>(values: ReadonlyArray<A>, element: (value: A) => string): string => {
  let out = "{"
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ","
    out += element(values[i] as A)
  }
  return `${out}}`
}

/** A `text[]` literal. */
export const textArray = (values: ReadonlyArray<string | null>): string =>
  literal(values, (value) => (value === null ? "NULL" : quote(value)))

/** A `boolean[]` literal. */
export const booleanArray = (values: ReadonlyArray<boolean | null>): string =>
  literal(values, (value) => (value === null ? "NULL" : value ? "t" : "f"))

/** A `timestamptz[]` literal, in UTC ISO 8601. */
export const timestampArray = (values: ReadonlyArray<Date | null>): string =>
  literal(values, (value) => (value === null ? "NULL" : quote(value.toISOString())))

/**
 * A `text[]` literal whose elements are themselves `text[]` literals, for a per-row array column
 * (`unnest` would flatten a two-dimensional array); cast each element back with `::text[]`.
 */
export const nestedTextArray = (values: ReadonlyArray<ReadonlyArray<string>>): string =>
  literal(values, (inner) => quote(textArray(inner)))

/** An `integer[]` literal. */
export const integerArray = (values: ReadonlyArray<number | null>): string =>
  literal(values, (value) => (value === null ? "NULL" : String(Math.trunc(value))))

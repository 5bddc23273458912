/**
 * CSV as RFC 4180: a header row, then one row per record, CRLF line ends; a field holding a comma, a double
 * quote, CR or LF is quoted, its quotes doubled. A text cell a spreadsheet would evaluate as a formula (one
 * beginning with `=`, `+`, `-`, `@`, tab or CR, e.g. a display name `=HYPERLINK(…)`) is neutralised the way
 * OWASP recommends: prefixed with `'` and quoted, so it reads as text. Reports describe their columns as
 * [header, cell] pairs (pure).
 */

export type Cell = string | number | boolean | null

/** The first characters that make Excel, LibreOffice or Google Sheets read a cell as a formula. */
const formulaStart = /^[=+\-@\t\r]/

const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`

const field = (value: Cell): string => {
  // Numbers and booleans are ours (counts, flags): a negative count stays a number.
  if (typeof value === "string" && formulaStart.test(value)) return quoted(`'${value}`)
  const text = value === null ? "" : String(value)
  return /[",\r\n]/.test(text) ? quoted(text) : text
}

/** A timestamp as CSV writes it: ISO 8601 UTC; empty when absent. */
export const timestamp = (date: Date | null): Cell => (date === null ? null : date.toISOString())

/** Header and rows as one RFC 4180 document. */
export const renderCsv = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string =>
  `${[header, ...rows].map((row) => row.map(field).join(",")).join("\r\n")}\r\n`

/** A CSV column: its header and how a record fills it. */
export type Column<A> = readonly [header: string, cell: (record: A) => Cell]

export const headerOf = <A>(columns: ReadonlyArray<Column<A>>) => columns.map(([header]) => header)
export const cellsOf = <A>(columns: ReadonlyArray<Column<A>>, record: A) =>
  columns.map(([, cell]) => cell(record))

/** One row per record, the header derived from the columns (never out of step with the cells). */
export const csvOf = <A>(columns: ReadonlyArray<Column<A>>, records: ReadonlyArray<A>): string =>
  renderCsv(
    headerOf(columns),
    records.map((record) => cellsOf(columns, record))
  )

/**
 * An HTML table of already-escaped cells, and `htmlText`, which escapes a value for one (pure). Every table
 * sits in its own scroll container (a table wider than the page scrolls there, never the page; a long one
 * keeps its header row in view), sorts by a click on a column's header (numbers and dates as such) and, when
 * given filters, has a bar of drop-downs above it that hide the rows of the other values (HtmlScript.ts).
 */
import { escapeHtml } from "./Escape.js"
import { type Filter, facetAttribute, filterBar } from "./HtmlFilters.js"

/** A value as cell text: escaped; `–` when absent. */
export const htmlText = (value: string | number | null | undefined) =>
  value === null || value === undefined ? "–" : escapeHtml(String(value))

/**
 * How a column reads and sorts: `text` wraps between words; `number` is right-aligned, tabular, never wrapped
 * and sorts numerically; `date` (ISO, `YYYY-MM-DD…`) and `id` are never wrapped, dates sort as dates.
 */
export type ColumnKind = "text" | "number" | "date" | "id"

export interface HtmlColumn {
  readonly label: string
  /** Right-aligned, tabular figures: the same as `kind: "number"`. */
  readonly numeric?: boolean
  readonly kind?: ColumnKind
  /** A text column whose lines are never broken (product names, badges). */
  readonly nowrap?: boolean
}

/** A cell with its own sort key: a number, or text compared as it is (an ISO date; "" sorts last). */
export interface HtmlCell {
  /** Markup, escaped by the caller (`htmlText`). */
  readonly markup: string
  readonly sort: string | number
}

/** The value a row has for one filter (the `data-<key>` attribute) and how the drop-down names it. */
export interface Facet {
  readonly value: string
  readonly label: string
}

export interface HtmlRow {
  /** Markup, escaped by the caller (`htmlText`), or markup with a sort key. */
  readonly cells: ReadonlyArray<string | HtmlCell>
  readonly className?: string
  /** Per filter key, this row's value. */
  readonly facets?: Readonly<Record<string, Facet>>
  /** A total: kept below the sorted and filtered rows. */
  readonly footer?: boolean
}

export interface HtmlTableOptions {
  /** Drop-downs above the table, one per key of the rows' `facets`. */
  readonly filters?: ReadonlyArray<Filter>
}

const kindOf = (column: HtmlColumn | undefined): ColumnKind =>
  column?.kind ?? (column?.numeric === true ? "number" : "text")

const cellClass = (column: HtmlColumn | undefined): string => {
  const kind = kindOf(column)
  const names = [
    ...(kind === "number" ? ["n"] : []),
    ...(kind === "date" || kind === "id" || column?.nowrap === true ? ["nw"] : [])
  ]
  return names.length === 0 ? "" : ` class="${names.join(" ")}"`
}

/** A header's words may wrap (only its cells keep their lines); a numeric one is right-aligned. */
const headerCell = (column: HtmlColumn) =>
  `<th${kindOf(column) === "number" ? ' class="n"' : ""} data-kind="${kindOf(column)}" scope="col"><button type="button">${escapeHtml(column.label)}</button></th>`

const bodyCell = (column: HtmlColumn | undefined, cell: string | HtmlCell) =>
  typeof cell === "string"
    ? `<td${cellClass(column)}>${cell}</td>`
    : `<td${cellClass(column)} data-sort="${escapeHtml(String(cell.sort))}">${cell.markup}</td>`

const rowOf = (header: ReadonlyArray<HtmlColumn>, row: HtmlRow) => {
  const facets = Object.entries(row.facets ?? {})
    .map(([key, facet]) => ` ${facetAttribute(key)}="${escapeHtml(facet.value)}"`)
    .join("")
  const className = row.className === undefined ? "" : ` class="${escapeHtml(row.className)}"`
  return `<tr${className}${facets}>${row.cells.map((cell, index) => bodyCell(header[index], cell)).join("")}</tr>`
}

export const htmlTable = (
  header: ReadonlyArray<HtmlColumn>,
  rows: ReadonlyArray<HtmlRow>,
  options: HtmlTableOptions = {}
) => {
  const body = rows.filter((row) => row.footer !== true)
  const footer = rows.filter((row) => row.footer === true)
  const filters = options.filters ?? []
  return (
    `<div class="table">${filters.length === 0 ? "" : filterBar(filters, body)}` +
    `<div class="scroll" tabindex="0"><table class="sortable"><thead><tr>${header.map(headerCell).join("")}</tr></thead>` +
    `<tbody>${body.map((row) => rowOf(header, row)).join("")}</tbody>` +
    (footer.length === 0 ? "" : `<tfoot>${footer.map((row) => rowOf(header, row)).join("")}</tfoot>`) +
    "</table></div></div>"
  )
}

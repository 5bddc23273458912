/** An HTML table of already-escaped cells, and `htmlText`, which escapes a value for one (pure). */
import { escapeHtml } from "./Escape.js"

/** A value as cell text: escaped; `–` when absent. */
export const htmlText = (value: string | number | null | undefined) =>
  value === null || value === undefined ? "–" : escapeHtml(String(value))

export interface HtmlColumn {
  readonly label: string
  /** Right-aligned, tabular figures. */
  readonly numeric?: boolean
}

export interface HtmlRow {
  /** Markup, escaped by the caller (`htmlText`). */
  readonly cells: ReadonlyArray<string>
  readonly className?: string
}

export const htmlTable = (header: ReadonlyArray<HtmlColumn>, rows: ReadonlyArray<HtmlRow>) =>
  `<table><thead><tr>${header.map((column) => `<th${column.numeric === true ? ' class="n"' : ""}>${escapeHtml(column.label)}</th>`).join("")}</tr></thead><tbody>` +
  rows
    .map(
      (row) =>
        `<tr${row.className === undefined ? "" : ` class="${row.className}"`}>${row.cells
          .map((cell, index) => `<td${header[index]?.numeric === true ? ' class="n"' : ""}>${cell}</td>`)
          .join("")}</tr>`
    )
    .join("") +
  "</tbody></table>"

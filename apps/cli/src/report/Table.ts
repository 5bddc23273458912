/**
 * A plain-text table with aligned columns: the `table` format's building block (pure). Every cell goes
 * through `terminalText` first, so data can carry no escape sequence or control character to the terminal
 * and cutting a long cell can never split one.
 */
import { terminalText } from "../TerminalText.js"

export interface Column {
  readonly header: string
  readonly align?: "left" | "right"
  /** Cells longer than this are cut with an ellipsis (the CSV and JSON formats carry them whole). */
  readonly maxWidth?: number
}

const cut = (text: string, maxWidth: number | undefined) =>
  maxWidth !== undefined && [...text].length > maxWidth
    ? `${[...text].slice(0, Math.max(1, maxWidth - 1)).join("")}…`
    : text

const widthOf = (text: string) => [...text].length

const pad = (text: string, width: number, align: "left" | "right") => {
  const fill = " ".repeat(Math.max(0, width - widthOf(text)))
  return align === "right" ? `${fill}${text}` : `${text}${fill}`
}

/** The header, a rule, then one line per row; columns two spaces apart, no trailing spaces. */
export const renderTable = (
  columns: ReadonlyArray<Column>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): string => {
  const cells = rows.map((row) =>
    columns.map((column, index) => cut(terminalText(row[index] ?? "").replace(/\s+/g, " "), column.maxWidth))
  )
  const widths = columns.map((column, index) =>
    Math.max(widthOf(column.header), ...cells.map((row) => widthOf(row[index] ?? "")))
  )
  const line = (row: ReadonlyArray<string>) =>
    columns
      .map((column, index) => pad(row[index] ?? "", widths[index] ?? 0, column.align ?? "left"))
      .join("  ")
      .trimEnd()
  return [
    line(columns.map((column) => column.header)),
    widths.map((width) => "─".repeat(width)).join("  "),
    ...cells.map(line)
  ].join("\n")
}

/**
 * Reading a CSV file a person filled in (pure): RFC 4180 fields (quoted fields may hold commas, line breaks
 * and doubled quotes), CRLF or LF line ends, a byte-order mark and blank lines ignored — what Excel,
 * LibreOffice and Google Sheets write. Each record keeps its line number, so a mistake can be named.
 */

/** One record: its fields and the line of the file it starts on (1 = the first line). */
export interface CsvRecord {
  readonly line: number
  readonly fields: ReadonlyArray<string>
}

/** The records of `text`, or the reason it is not CSV (an unterminated quote, a quote inside a field). */
export const readCsv = (
  text: string
): { readonly records: ReadonlyArray<CsvRecord> } | { readonly error: string } => {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text
  const records: Array<CsvRecord> = []
  let fields: Array<string> = []
  let field = ""
  let quoted = false
  let wasQuoted = false
  let line = 1
  let recordLine = 1
  const endField = () => {
    fields.push(wasQuoted ? field : field.trim())
    field = ""
    wasQuoted = false
  }
  const endRecord = () => {
    endField()
    if (fields.some((value) => value !== "")) records.push({ line: recordLine, fields })
    fields = []
    recordLine = line
  }
  for (let i = 0; i < source.length; i++) {
    const char = source.charAt(i)
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else {
        if (char === "\n") line++
        field += char
      }
    } else if (char === '"') {
      if (field.trim() !== "") return { error: `line ${line}: a quote inside an unquoted field` }
      field = ""
      quoted = true
      wasQuoted = true
    } else if (char === ",") endField()
    else if (char === "\r" || char === "\n") {
      if (char === "\r" && source[i + 1] === "\n") i++
      line++
      endRecord()
    } else if (!wasQuoted) field += char
    else if (char.trim() !== "") return { error: `line ${line}: text after a closing quote` }
  }
  if (quoted) return { error: `line ${recordLine}: a quoted field is never closed` }
  endRecord()
  return { records }
}

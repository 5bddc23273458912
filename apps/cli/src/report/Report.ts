/**
 * What a report is — the kind `seatsync report <kind>` names, the document it loads from the store and that
 * document in every format — and `make`, which turns one report's definition into the registry's shape.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import { Effect, JSONSchema, type ParseResult, Schema } from "effect"
import { terminalText } from "../TerminalText.js"
import type { Selection } from "./Selection.js"

/** The formats of `--format`, the first the default. */
export const reportFormats = ["table", "csv", "json", "html"] as const
export type ReportFormat = (typeof reportFormats)[number]

/** Why loading a document can fail: the store's queries. */
export type LoadError = SqlError.SqlError | ParseResult.ParseError

/** What a report holds, for `--help`: a short phrase for the argument, a fuller one for the command. */
export interface Summary {
  readonly short: string
  readonly long: string
}

/** One report, written once: its document type is known only here and in its own module. */
export interface ReportDefinition<Kind extends string, Document, Encoded> {
  /** The subcommand: `seatsync report <kind>`. */
  readonly kind: Kind
  readonly summary: Summary
  /** Invocations for the command's `--help` examples. */
  readonly examples: ReadonlyArray<string>
  /** The `--format json` document (timestamps encode as ISO 8601) and the source of its JSON Schema. */
  readonly document: Schema.Schema<Document, Encoded>
  /** Reads the document through `@seatsync/store`'s report queries. */
  readonly load: (selection: Selection) => Effect.Effect<Document, LoadError, SqlClient.SqlClient>
  /** `--format table`: aligned columns for an 80–120 column terminal. */
  readonly table: (document: Document) => string
  /** `--format csv`: RFC 4180 (`Csv`). */
  readonly csv: (document: Document) => string
  /** The report's section of the `--format html` page (`HtmlPage`); every value escaped. */
  readonly htmlSection: (document: Document) => string
}

/** A loaded document rendered on demand; `html` is the report's section of the page, not a whole page. */
export type Rendering = { readonly [Format in ReportFormat]: () => string }

/** A report as the registry lists it and the command runs it; the document type stays inside. */
export interface Report<Kind extends string = string> {
  readonly kind: Kind
  readonly summary: Summary
  readonly examples: ReadonlyArray<string>
  /** The committed JSON Schema of the `--format json` document, relative to the CLI package. */
  readonly schemaFile: string
  /** The JSON Schema (draft-07) of the `--format json` document, as generated from its Effect Schema. */
  readonly jsonSchema: () => JSONSchema.JsonSchema7Root
  readonly load: (selection: Selection) => Effect.Effect<Rendering, LoadError, SqlClient.SqlClient>
}

/** A document in every format, each rendered only when asked for. */
export const renderingOf = <Document, Encoded>(
  definition: Pick<ReportDefinition<string, Document, Encoded>, "document" | "table" | "csv" | "htmlSection">,
  document: Document
): Rendering => ({
  // Bound for a terminal: every line made safe (names, run errors and pause reasons are data).
  table: () => definition.table(document).split("\n").map(terminalText).join("\n"),
  csv: () => definition.csv(document),
  // One line of JSON.
  json: () => `${JSON.stringify(Schema.encodeSync(definition.document)(document))}\n`,
  html: () => definition.htmlSection(document)
})

export const make = <Kind extends string, Document, Encoded>(
  definition: ReportDefinition<Kind, Document, Encoded>
): Report<Kind> => ({
  kind: definition.kind,
  summary: definition.summary,
  examples: definition.examples,
  schemaFile: `schemas/${definition.kind}-report.schema.json`,
  jsonSchema: () => JSONSchema.make(definition.document),
  load: (selection) => Effect.map(definition.load(selection), (document) => renderingOf(definition, document))
})

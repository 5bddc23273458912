import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { reports } from "../src/report/Registry.js"
import { renderingOf } from "../src/report/Report.js"

describe("the report registry", () => {
  it("lists seats, reclaim, changes and runs, each kind once, each with a summary, examples and its schema file", () => {
    expect(reports.map((report) => report.kind)).toEqual(["seats", "reclaim", "changes", "runs"])
    for (const report of reports) {
      expect(report.schemaFile).toBe(`schemas/${report.kind}-report.schema.json`)
      expect(report.summary.short).not.toBe("")
      expect(report.summary.long).not.toBe("")
      expect(report.examples.length).toBeGreaterThan(0)
      for (const example of report.examples)
        expect(example.startsWith(`seatsync report ${report.kind}`)).toBe(true)
    }
  })

  it("each report's JSON Schema is the draft-07 schema of its own document", () => {
    for (const report of reports) {
      const schema = report.jsonSchema()
      expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#")
      expect(JSON.stringify(schema)).toContain(`"enum":["${report.kind}"]`)
    }
  })
})

describe("a report's rendering", () => {
  const Document = Schema.Struct({ report: Schema.Literal("example"), generatedAt: Schema.Date })
  const definition = {
    document: Document,
    table: () => "the table",
    csv: () => "a,b\r\n",
    htmlSection: () => "<h2>Section</h2>"
  }
  const document: typeof Document.Type = { report: "example", generatedAt: new Date("2026-11-28T12:00:00Z") }

  it("json is one line of the document as its Schema encodes it (dates as ISO 8601), then a newline", () => {
    expect(renderingOf(definition, document).json()).toBe(
      '{"report":"example","generatedAt":"2026-11-28T12:00:00.000Z"}\n'
    )
  })

  it("table, csv and html are the report's own renderers; html is its section, not a page", () => {
    const rendering = renderingOf(definition, document)
    expect([rendering.table(), rendering.csv(), rendering.html()]).toEqual([
      "the table",
      "a,b\r\n",
      "<h2>Section</h2>"
    ])
  })
})

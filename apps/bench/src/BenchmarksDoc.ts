/**
 * docs/benchmarks.md is written by two scenarios: the full-size run writes the file up to the rate-limit
 * section and keeps that section and the notes after it; the rate-limit run rewrites only what lies between
 * its markers. Each keeps the other's figures. Hand-written notes on the full-size figures live between the
 * `bench:full-notes` markers, which the full-size run keeps as they are.
 */
import { readFile, writeFile } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"

export const benchmarksPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../docs/benchmarks.md"
)

const sectionStart = "<!-- bench:rate-limit (written by `npm run bench -- --scenario rate-limit`) -->"
const sectionEnd = "<!-- /bench:rate-limit -->"

/** What the full-size report says about the scenario it does not run. */
export const rateLimitPointer =
  "The latency/rate-limit scenario of §6 is run by `npm run bench -- --scenario rate-limit`; its figures are in " +
  "[Under latency and a rate limit](#under-latency-and-a-rate-limit) below."

const notMeasuredYet =
  /Not measured yet: the latency\/rate-limit scenario of §6 \(wall time within 15 % of the minimum the rate\nlimit allows\)\./

const notesStart = "<!-- bench:full-notes (kept by `npm run bench`; written by hand) -->"
const notesEnd = "<!-- /bench:full-notes -->"

const readDoc = () => readFile(benchmarksPath, "utf8").catch(() => "")

/**
 * The rate-limit section currently in the document with the notes written after it (everything from its
 * start marker to the end), or "" when there is none.
 */
export const currentRateLimitSection = async (): Promise<string> => {
  const doc = await readDoc()
  const start = doc.indexOf(sectionStart)
  return start === -1 ? "" : doc.slice(start).trimEnd()
}

/** Replaces (or appends) the rate-limit section, and the "not measured yet" sentence with a pointer to it. */
export const writeRateLimitSection = async (body: string): Promise<void> => {
  const section = `${sectionStart}\n${body.trim()}\n${sectionEnd}`
  const doc = (await readDoc()).replace(notMeasuredYet, rateLimitPointer)
  const start = doc.indexOf(sectionStart)
  const end = doc.indexOf(sectionEnd)
  const next =
    start === -1 || end < start
      ? `${doc.trimEnd()}\n\n${section}\n`
      : `${doc.slice(0, start)}${section}${doc.slice(end + sectionEnd.length)}`
  await writeFile(benchmarksPath, next)
}

/** The hand-written notes on the full-size figures, markers included, or "" when there are none. */
export const currentFullNotes = async (): Promise<string> => {
  const doc = await readDoc()
  const start = doc.indexOf(notesStart)
  const end = doc.indexOf(notesEnd)
  return start === -1 || end < start ? "" : doc.slice(start, end + notesEnd.length)
}

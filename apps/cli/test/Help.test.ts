import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { runCli } from "./support.js"

const commands: ReadonlyArray<ReadonlyArray<string>> = [
  ["connect"],
  ["connections"],
  ["connections", "list"],
  ["connections", "show"],
  ["connections", "remove"],
  ["doctor"],
  ["report"],
  ["prices"],
  ["prices", "set"],
  ["prices", "list"],
  ["prices", "import"],
  ["protect"],
  ["protect", "add"],
  ["protect", "list"],
  ["protect", "remove"],
  ["sync"],
  ["backfill"],
  ["backfill", "last-active"],
  ["db"],
  ["db", "start"],
  ["db", "status"],
  ["db", "url"],
  ["db", "stop"],
  ["migrate"],
  ["simulator"]
]

/** The DESCRIPTION section of @effect/cli's help, without its ANSI styling. */
const description = (help: string) => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the help's ANSI colour codes
  const plain = help.replace(/\u001b\[[0-9;]*m/g, "")
  const start = plain.indexOf("DESCRIPTION")
  const end = plain.search(/\n(ARGUMENTS|OPTIONS|COMMANDS)\n/)
  return plain.slice(start, end === -1 ? undefined : end).trim()
}

describe("seatsync <command> --help", () => {
  it.effect(
    "ends every command's description with examples of real invocations",
    () =>
      Effect.gen(function* () {
        const results = yield* Effect.forEach(
          commands,
          (command) => Effect.map(runCli([...command, "--help"], {}), (result) => ({ command, result })),
          { concurrency: 2 }
        )
        for (const { command, result } of results) {
          const text = description(result.stdout)
          expect(result.code, command.join(" ")).toBe(0)
          expect(text, command.join(" ")).toMatch(/\n\nExamples:\n( {2}.+\n?)+$/)
          // Every example runs the command it documents.
          const examples = text.slice(text.indexOf("Examples:"))
          expect(examples, command.join(" ")).toContain(`seatsync ${command.join(" ")}`)
        }
      }),
    120_000
  )

  it.effect(
    "prints no colour escape codes into a pipe (NO_COLOR or not), nor in a usage error",
    () =>
      Effect.gen(function* () {
        const escapeCharacter = String.fromCharCode(27)
        const help = yield* runCli(["--help"], {})
        expect(help.code).toBe(0)
        expect(help.stdout).toContain("USAGE")
        expect(help.stdout).not.toContain(escapeCharacter)
        const sync = yield* runCli(["sync", "--help"], { NO_COLOR: "1" })
        expect(sync.stdout).not.toContain(escapeCharacter)
        const unknown = yield* runCli(["sync", "--bogus"], {})
        expect(unknown.code).toBe(2)
        expect(`${unknown.stdout}${unknown.stderr}`).not.toContain(escapeCharacter)
      }),
    120_000
  )
})

/**
 * Where a report goes: stdout, or `--out FILE` — written whole, into a directory that must already exist
 * (seatsync does not create directories), followed by one line saying where.
 */
import { FileSystem, Path } from "@effect/platform"
import { Console, Effect, Option } from "effect"
import { UsageError } from "../UsageError.js"

/** Fails with a usage error (exit 2) when `--out`'s directory is missing or not a directory. */
export const checkOutDirectory = (file: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const absolute = path.resolve(file)
    const directory = path.dirname(absolute)
    const info = yield* Effect.option(fs.stat(directory))
    if (Option.isNone(info) || info.value.type !== "Directory") {
      return yield* new UsageError({
        field: "--out",
        reason: `the directory ${directory} does not exist; create it first or write the report somewhere else`
      })
    }
    const existing = yield* Effect.option(fs.stat(absolute))
    if (Option.isSome(existing) && existing.value.type === "Directory") {
      return yield* new UsageError({
        field: "--out",
        reason: `${absolute} is a directory; give a file name such as ${path.join(absolute, "report.html")}`
      })
    }
    return absolute
  })

/** Writes `content` to `file` and says where, or prints it to stdout. */
export const emit = (
  content: string,
  out: { readonly file: string; readonly description: string } | undefined
) =>
  Effect.gen(function* () {
    if (out === undefined) {
      // Console.log ends the text with one newline (a CSV's last CRLF stays intact).
      yield* Console.log(content.endsWith("\n") ? content.slice(0, -1) : content)
      return
    }
    const fs = yield* FileSystem.FileSystem
    const absolute = yield* checkOutDirectory(out.file)
    yield* fs.writeFileString(absolute, content).pipe(
      Effect.mapError(
        (error) =>
          new UsageError({
            field: "--out",
            reason: `could not write ${absolute} (${error.message}); check the directory's permissions`
          })
      )
    )
    yield* Console.log(`Wrote the ${out.description} to ${absolute}.`)
  })

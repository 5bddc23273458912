/**
 * Secrets a user hands to `seatsync connect`: the organisation API key on standard input or in a named
 * environment variable, and a Jira API token in a named environment variable. Never from the command line.
 */
import { Config, Effect, type Redacted } from "effect"
import { UsageError } from "../UsageError.js"

/** The secret in `variable`, or a usage error naming `option` and saying what the variable must hold. */
export const secretFromVariable = (
  variable: string,
  option: string,
  what: string
): Effect.Effect<Redacted.Redacted<string>, UsageError> =>
  Config.redacted(variable).pipe(
    Effect.mapError(
      () => new UsageError({ field: option, reason: `set the environment variable ${variable} to ${what}` })
    )
  )

/** The API key from an environment variable, with a sentence on how to provide it when it is missing. */
export const apiKeyFromVariable = (variable: string): Effect.Effect<Redacted.Redacted<string>, UsageError> =>
  Config.redacted(variable).pipe(
    Effect.mapError(
      () =>
        new UsageError({
          field: variable,
          reason: `set the environment variable ${variable} to the organisation API key (or name another variable with --api-key-env)`
        })
    )
  )

/** The key typed or piped on standard input (trailing line breaks dropped). */
export const apiKeyFromStdin: Effect.Effect<string, UsageError> = Effect.async<string, UsageError>(
  (resume) => {
    const chunks: Array<Buffer> = []
    process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk))
    process.stdin.on("end", () => {
      const key = Buffer.concat(chunks)
        .toString("utf8")
        .replace(/[\r\n]+$/, "")
      resume(
        key === ""
          ? Effect.fail(new UsageError({ field: "--api-key-stdin", reason: "standard input was empty" }))
          : Effect.succeed(key)
      )
    })
    process.stdin.on("error", (error) =>
      resume(Effect.fail(new UsageError({ field: "--api-key-stdin", reason: error.message })))
    )
  }
)

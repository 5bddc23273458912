/** Where a command gets a connection's API key: the encrypted copy in the database, or the environment. */
import { InvalidConfig, type SiteClient } from "@seatsync/atlassian-client"
import type { ApiKeyCipher, Connections } from "@seatsync/store"
import { ConnectionSecrets } from "@seatsync/store"
import { Config, Effect, Option, type Redacted } from "effect"

/** The key from an environment variable, with a sentence on how to provide it when it is missing. */
export const keyFromEnv = (variable: string) =>
  Config.redacted(variable).pipe(
    Effect.mapError(
      () =>
        new InvalidConfig({
          field: variable,
          reason: `set the environment variable ${variable} to the organisation API key (or name another variable with --api-key-env)`
        })
    )
  )

/** The key typed or piped on standard input (trailing line breaks dropped). */
export const keyFromStdin: Effect.Effect<string, InvalidConfig> = Effect.async<string, InvalidConfig>(
  (resume) => {
    const chunks: Array<Buffer> = []
    process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk))
    process.stdin.on("end", () => {
      const key = Buffer.concat(chunks)
        .toString("utf8")
        .replace(/[\r\n]+$/, "")
      resume(
        key === ""
          ? Effect.fail(new InvalidConfig({ field: "--api-key-stdin", reason: "standard input was empty" }))
          : Effect.succeed(key)
      )
    })
    process.stdin.on("error", (error) =>
      resume(Effect.fail(new InvalidConfig({ field: "--api-key-stdin", reason: error.message })))
    )
  }
)

/**
 * The key of a stored connection: decrypted from the database when it was stored, else from `variable`
 * (default `ATLASSIAN_API_KEY`).
 */
export const keyOfConnection = (
  connection: Connections.Connection,
  variable: Option.Option<string>
): Effect.Effect<Redacted.Redacted<string>, InvalidConfig | ConnectionSecrets.SecretError> =>
  Option.isSome(variable)
    ? keyFromEnv(variable.value)
    : Effect.flatMap(
        ConnectionSecrets.storedApiKey(connection),
        Option.match({ onNone: () => keyFromEnv("ATLASSIAN_API_KEY"), onSome: Effect.succeed })
      )

/** The Jira API token of `connectionName`, encrypted for `Connections.upsert({ jiraTokenCiphertext })`. */
export const encryptJiraToken = ConnectionSecrets.encryptJiraToken

/** The connection's Jira site credentials, decrypted; none when it has none. */
export const jiraCredentialsOfConnection = (
  connection: Connections.Connection
): Effect.Effect<
  Option.Option<SiteClient.SiteCredentials>,
  | ApiKeyCipher.EncryptionKeyMissing
  | ApiKeyCipher.EncryptionKeyInvalid
  | ConnectionSecrets.JiraTokenUndecryptable
> => ConnectionSecrets.jiraCredentials(connection)

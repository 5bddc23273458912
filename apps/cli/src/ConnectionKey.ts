/** Where a command gets a connection's API key: the encrypted copy in the database, or the environment. */
import { InvalidConfig, type SiteClient } from "@seatsync/atlassian-client"
import { ApiKeyCipher, type Connections } from "@seatsync/store"
import { Config, Data, Effect, Option, type Redacted } from "effect"

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
): Effect.Effect<
  Redacted.Redacted<string>,
  | InvalidConfig
  | ApiKeyCipher.EncryptionKeyMissing
  | ApiKeyCipher.EncryptionKeyInvalid
  | ApiKeyCipher.ApiKeyUndecryptable
> =>
  Option.isSome(variable) || connection.apiKeyCiphertext === null
    ? keyFromEnv(Option.getOrElse(variable, () => "ATLASSIAN_API_KEY"))
    : Effect.flatMap(ApiKeyCipher.requireEncryptionKey, (key) =>
        ApiKeyCipher.decrypt(key, connection.name, connection.apiKeyCiphertext ?? new Uint8Array())
      )

/**
 * The associated data a stored Jira API token is bound to. The org key is bound to the bare connection name;
 * connection names are slugs (no `:`), so no org-key ciphertext decrypts as a Jira token or the reverse.
 */
export const jiraTokenContext = (connectionName: string): string => `jira-token:${connectionName}`

/** The Jira API token of `connectionName`, encrypted for `Connections.upsert({ jiraTokenCiphertext })`. */
export const encryptJiraToken = (
  encryptionKey: Redacted.Redacted<Buffer>,
  connectionName: string,
  token: Redacted.Redacted<string>
): Uint8Array => ApiKeyCipher.encrypt(encryptionKey, jiraTokenContext(connectionName), token)

export class JiraTokenUndecryptable extends Data.TaggedError("JiraTokenUndecryptable")<{
  readonly connection: string
}> {
  override get message() {
    return `The stored Jira API token of connection "${this.connection}" cannot be decrypted with this SEATSYNC_ENCRYPTION_KEY (a different key, or damaged data). Set the key it was stored with, or store the token again with \`seatsync connect ${this.connection} --update --jira-email EMAIL --jira-token-env VAR\``
  }
}

/** The connection's Jira site credentials, decrypted; none when it has none. */
export const jiraCredentialsOfConnection = (
  connection: Connections.Connection
): Effect.Effect<
  Option.Option<SiteClient.SiteCredentials>,
  ApiKeyCipher.EncryptionKeyMissing | ApiKeyCipher.EncryptionKeyInvalid | JiraTokenUndecryptable
> => {
  const email = connection.jiraEmail
  const ciphertext = connection.jiraTokenCiphertext
  if (email === null || ciphertext === null) return Effect.succeed(Option.none())
  return ApiKeyCipher.requireEncryptionKey.pipe(
    Effect.flatMap((key) => ApiKeyCipher.decrypt(key, jiraTokenContext(connection.name), ciphertext)),
    Effect.catchTag("ApiKeyUndecryptable", () =>
      Effect.fail(new JiraTokenUndecryptable({ connection: connection.name }))
    ),
    Effect.map((apiToken) => Option.some({ email, apiToken }))
  )
}

/**
 * A connection's stored secrets, decrypted: the organisation API key and the Jira site credentials that
 * `seatsync connect` stored encrypted with `ApiKeyCipher`. One place for the binding conventions, so the CLI,
 * the worker and library users read them the same way:
 * - the org key is bound to the bare connection name;
 * - the Jira API token to `jira-token:<name>`. Connection names are slugs (no `:`), so no org-key ciphertext
 *   decrypts as a Jira token, or the reverse.
 */
import { Effect, Option, type Redacted, Schema } from "effect"
import * as ApiKeyCipher from "./ApiKeyCipher.js"
import type { Connection } from "./Connections.js"

/** The associated data a stored Jira API token is bound to. */
export const jiraTokenContext = (connectionName: string): string => `jira-token:${connectionName}`

/** Encrypts the org API key of `connectionName`, for `Connections.upsert({ apiKeyCiphertext })`. */
export const encryptApiKey = (
  encryptionKey: Redacted.Redacted<Buffer>,
  connectionName: string,
  apiKey: Redacted.Redacted<string>
): Uint8Array => ApiKeyCipher.encrypt(encryptionKey, connectionName, apiKey)

/** Encrypts the Jira API token of `connectionName`, for `Connections.upsert({ jiraTokenCiphertext })`. */
export const encryptJiraToken = (
  encryptionKey: Redacted.Redacted<Buffer>,
  connectionName: string,
  token: Redacted.Redacted<string>
): Uint8Array => ApiKeyCipher.encrypt(encryptionKey, jiraTokenContext(connectionName), token)

export class JiraTokenUndecryptable extends Schema.TaggedError<JiraTokenUndecryptable>()(
  "JiraTokenUndecryptable",
  { connection: Schema.String }
) {
  override get message() {
    return `The stored Jira API token of connection "${this.connection}" cannot be decrypted with this SEATSYNC_ENCRYPTION_KEY (a different key, or damaged data). Set the key it was stored with, or store the token again with \`seatsync connect ${this.connection} --update --jira-email EMAIL --jira-token-env VAR\``
  }
}

/** A Jira site administrator's email and API token (HTTP basic auth of `/rest/api/3/applicationrole`). */
export interface JiraCredentials {
  readonly email: string
  readonly apiToken: Redacted.Redacted<string>
}

export type SecretError =
  | ApiKeyCipher.EncryptionKeyMissing
  | ApiKeyCipher.EncryptionKeyInvalid
  | ApiKeyCipher.ApiKeyUndecryptable

/** Reading a stored secret without the key: the error names the connection, so it asks for the old key. */
const readingNeedsTheKey = (connection: Connection) =>
  Effect.fail(new ApiKeyCipher.EncryptionKeyMissing({ connection: connection.name }))

/** The connection's stored org API key, decrypted; none when it was stored without one. */
export const storedApiKey = (
  connection: Connection
): Effect.Effect<Option.Option<Redacted.Redacted<string>>, SecretError> => {
  const ciphertext = connection.apiKeyCiphertext
  if (ciphertext === null) return Effect.succeed(Option.none())
  return ApiKeyCipher.requireEncryptionKey.pipe(
    Effect.catchTag("EncryptionKeyMissing", () => readingNeedsTheKey(connection)),
    Effect.flatMap((key) => ApiKeyCipher.decrypt(key, connection.name, ciphertext)),
    Effect.map(Option.some)
  )
}

/** The connection's Jira site credentials, decrypted; none when it has none. */
export const jiraCredentials = (
  connection: Connection
): Effect.Effect<
  Option.Option<JiraCredentials>,
  ApiKeyCipher.EncryptionKeyMissing | ApiKeyCipher.EncryptionKeyInvalid | JiraTokenUndecryptable
> => {
  const email = connection.jiraEmail
  const ciphertext = connection.jiraTokenCiphertext
  if (email === null || ciphertext === null) return Effect.succeed(Option.none())
  return ApiKeyCipher.requireEncryptionKey.pipe(
    Effect.catchTag("EncryptionKeyMissing", () => readingNeedsTheKey(connection)),
    Effect.flatMap((key) => ApiKeyCipher.decrypt(key, jiraTokenContext(connection.name), ciphertext)),
    Effect.catchTag("ApiKeyUndecryptable", () =>
      Effect.fail(new JiraTokenUndecryptable({ connection: connection.name }))
    ),
    Effect.map((apiToken) => Option.some({ email, apiToken }))
  )
}

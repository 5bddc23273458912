/**
 * A connection's organisation API key for the worker: the copy `seatsync connect` stored encrypted, decrypted
 * with `SEATSYNC_ENCRYPTION_KEY`; for a connection stored without a key, `ATLASSIAN_API_KEY`. Never logged.
 */
import { InvalidConfig } from "@seatsync/atlassian-client"
import { ApiKeyCipher, type Connections } from "@seatsync/store"
import { Config, Effect, Option, type Redacted } from "effect"

export type KeyError =
  | InvalidConfig
  | ApiKeyCipher.EncryptionKeyMissing
  | ApiKeyCipher.EncryptionKeyInvalid
  | ApiKeyCipher.ApiKeyUndecryptable

export const apiKeyOf = (
  connection: Connections.Connection
): Effect.Effect<Redacted.Redacted<string>, KeyError> =>
  connection.apiKeyCiphertext === null
    ? Config.option(Config.redacted("ATLASSIAN_API_KEY")).pipe(
        Effect.orElseSucceed(() => Option.none<Redacted.Redacted<string>>()),
        Effect.flatMap(
          Option.match({
            onSome: Effect.succeed,
            onNone: () =>
              Effect.fail(
                new InvalidConfig({
                  field: "apiKey",
                  reason: `connection "${connection.name}" has no stored API key and ATLASSIAN_API_KEY is not set; store one with \`seatsync connect ${connection.name} --update --api-key-stdin\``
                })
              )
          })
        )
      )
    : Effect.flatMap(ApiKeyCipher.requireEncryptionKey, (key) =>
        ApiKeyCipher.decrypt(key, connection.name, connection.apiKeyCiphertext ?? new Uint8Array())
      )

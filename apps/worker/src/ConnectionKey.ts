/**
 * A connection's secrets for the worker, through the store's `ConnectionSecrets` (the binding conventions the
 * CLI uses too): the organisation API key `seatsync connect` stored encrypted, decrypted with
 * `SEATSYNC_ENCRYPTION_KEY` — or `ATLASSIAN_API_KEY` for a connection stored without one — and, when the
 * connection has Jira site credentials, the read of its exact Jira seats. Never logged.
 */
import { HttpClient } from "@effect/platform"
import { InvalidConfig, SiteClient } from "@seatsync/atlassian-client"
import { type ApiKeyCipher, ConnectionSecrets, type Connections } from "@seatsync/store"
import { readSiteSeats } from "@seatsync/sync"
import { Config, Effect, Option, type Redacted } from "effect"

export type KeyError =
  | InvalidConfig
  | ApiKeyCipher.EncryptionKeyMissing
  | ApiKeyCipher.EncryptionKeyInvalid
  | ApiKeyCipher.ApiKeyUndecryptable

const keyFromEnvironment = (connection: Connections.Connection) =>
  Config.option(Config.redacted("ATLASSIAN_API_KEY")).pipe(
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

export const apiKeyOf = (
  connection: Connections.Connection
): Effect.Effect<Redacted.Redacted<string>, KeyError> =>
  Effect.flatMap(
    ConnectionSecrets.storedApiKey(connection),
    Option.match({ onSome: Effect.succeed, onNone: () => keyFromEnvironment(connection) })
  )

/**
 * How the run reads exact Jira seats, when the connection has a site and Jira site credentials (as
 * `seatsync sync` does); none otherwise. A token that no longer decrypts fails the job (configuration the
 * operator must fix); a site that does not answer is a warning inside the run.
 */
export const siteSeatsOf = (
  connection: Connections.Connection,
  options: { readonly unsafeAllowAnyHost: boolean }
) =>
  Effect.gen(function* () {
    const siteUrl = connection.siteUrl
    if (siteUrl === null) return Option.none()
    const credentials = yield* ConnectionSecrets.jiraCredentials(connection)
    if (Option.isNone(credentials)) return Option.none()
    const http = yield* HttpClient.HttpClient
    return Option.some(
      readSiteSeats(siteUrl, credentials.value).pipe(
        Effect.provide(SiteClient.layer({ unsafeAllowAnyHost: options.unsafeAllowAnyHost })),
        Effect.provideService(HttpClient.HttpClient, http)
      )
    )
  })

import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Option, Redacted } from "effect"
import { ApiKeyCipher, ConnectionId, ConnectionSecrets, Connections } from "../src/index.js"

const keyB64 = Buffer.alloc(32, 9).toString("base64")
const withKey = Effect.withConfigProvider(
  ConfigProvider.fromMap(new Map([["SEATSYNC_ENCRYPTION_KEY", keyB64]]))
)
const withoutKey = Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))

const connection = (fields: Partial<Connections.Connection>) =>
  new Connections.Connection({
    id: ConnectionId.make(1),
    name: "acme",
    orgId: "org-acme",
    siteUrl: "https://acme.atlassian.net",
    guard: "unknown",
    schedule: "0 2 * * *",
    timeZone: "UTC",
    inactiveAfterDays: 90,
    apiKeyCiphertext: null,
    jiraEmail: null,
    jiraTokenCiphertext: null,
    pausedAt: null,
    pausedReason: null,
    consecutiveFailures: 0,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...fields
  })

describe("ConnectionSecrets", () => {
  it.effect("decrypts the stored org key and Jira token of a connection", () =>
    Effect.gen(function* () {
      const key = yield* ApiKeyCipher.requireEncryptionKey
      const stored = connection({
        apiKeyCiphertext: ConnectionSecrets.encryptApiKey(key, "acme", Redacted.make("org-key")),
        jiraEmail: "admin@acme.example",
        jiraTokenCiphertext: ConnectionSecrets.encryptJiraToken(key, "acme", Redacted.make("jira-token"))
      })
      const apiKey = Option.getOrThrow(yield* ConnectionSecrets.storedApiKey(stored))
      expect(Redacted.value(apiKey)).toBe("org-key")
      const jira = Option.getOrThrow(yield* ConnectionSecrets.jiraCredentials(stored))
      expect(jira.email).toBe("admin@acme.example")
      expect(Redacted.value(jira.apiToken)).toBe("jira-token")
    }).pipe(withKey)
  )

  it.effect("has nothing to decrypt for a connection stored without secrets, even without a key", () =>
    Effect.gen(function* () {
      expect(Option.isNone(yield* ConnectionSecrets.storedApiKey(connection({})))).toBe(true)
      expect(Option.isNone(yield* ConnectionSecrets.jiraCredentials(connection({})))).toBe(true)
    }).pipe(withoutKey)
  )

  it.effect("an org-key ciphertext does not decrypt as a Jira token, nor the reverse", () =>
    Effect.gen(function* () {
      const key = yield* ApiKeyCipher.requireEncryptionKey
      const orgKey = ConnectionSecrets.encryptApiKey(key, "acme", Redacted.make("org-key"))
      const jiraToken = ConnectionSecrets.encryptJiraToken(key, "acme", Redacted.make("jira-token"))
      const swapped = connection({
        apiKeyCiphertext: jiraToken,
        jiraEmail: "a@b.example",
        jiraTokenCiphertext: orgKey
      })
      expect((yield* Effect.flip(ConnectionSecrets.storedApiKey(swapped)))._tag).toBe("ApiKeyUndecryptable")
      const error = yield* Effect.flip(ConnectionSecrets.jiraCredentials(swapped))
      expect(error._tag).toBe("JiraTokenUndecryptable")
      expect(error.message).toContain("seatsync connect acme --update --jira-email")
    }).pipe(withKey)
  )

  it.effect(
    "stored secrets without SEATSYNC_ENCRYPTION_KEY ask for the key they were stored with, never a new one",
    () =>
      Effect.gen(function* () {
        const stored = connection({ apiKeyCiphertext: new Uint8Array([1, 2, 3]) })
        const error = yield* Effect.flip(ConnectionSecrets.storedApiKey(stored))
        expect(error._tag).toBe("EncryptionKeyMissing")
        expect(error.message).toBe(
          'SEATSYNC_ENCRYPTION_KEY is not set, so the stored secrets of connection "acme" cannot be read. ' +
            "Set it to the key they were stored with (a newly generated key cannot decrypt them); if that key is " +
            "lost, store the API key again with `seatsync connect acme --update --api-key-stdin`"
        )
        expect(error.message).not.toContain("openssl rand")
        const jira = connection({ jiraEmail: "a@b.example", jiraTokenCiphertext: new Uint8Array([1, 2, 3]) })
        expect((yield* Effect.flip(ConnectionSecrets.jiraCredentials(jira))).message).toContain(
          "Set it to the key they were stored with"
        )
      }).pipe(withoutKey)
  )
})

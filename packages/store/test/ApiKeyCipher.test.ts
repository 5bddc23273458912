import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Redacted } from "effect"
import { ApiKeyCipher } from "../src/index.js"

const keyB64 = Buffer.alloc(32, 7).toString("base64")
const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("ApiKeyCipher", () => {
  it.effect("round-trips an API key and never stores it in plain text", () =>
    Effect.gen(function* () {
      const key = yield* ApiKeyCipher.requireEncryptionKey.pipe(withEnv({ SEATSYNC_ENCRYPTION_KEY: keyB64 }))
      const secret = Redacted.make("ATATT3xFfGF0-secret")
      const stored = ApiKeyCipher.encrypt(key, "acme", secret)
      expect(Buffer.from(stored).toString("utf8")).not.toContain("ATATT3xFfGF0")
      expect(Redacted.value(yield* ApiKeyCipher.decrypt(key, "acme", stored))).toBe("ATATT3xFfGF0-secret")
      // Same key twice gives different ciphertexts (random IV).
      expect(Buffer.from(ApiKeyCipher.encrypt(key, "acme", secret)).equals(Buffer.from(stored))).toBe(false)
    })
  )

  it.effect("refuses a ciphertext moved to another connection or read with another key", () =>
    Effect.gen(function* () {
      const key = yield* ApiKeyCipher.parseEncryptionKey(Redacted.make(keyB64))
      const other = yield* ApiKeyCipher.parseEncryptionKey(Redacted.make("ab".repeat(32)))
      const stored = ApiKeyCipher.encrypt(key, "acme", Redacted.make("k"))
      expect((yield* Effect.flip(ApiKeyCipher.decrypt(key, "globex", stored)))._tag).toBe(
        "ApiKeyUndecryptable"
      )
      const error = yield* Effect.flip(ApiKeyCipher.decrypt(other, "acme", stored))
      expect(error.message).toContain("seatsync connect acme --update")
    })
  )

  it.effect("says how to make a key when it is missing or malformed", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(ApiKeyCipher.requireEncryptionKey.pipe(withEnv({})))
      expect(missing._tag).toBe("EncryptionKeyMissing")
      expect(missing.message).toContain("openssl rand -base64 32")
      const short = yield* Effect.exit(
        ApiKeyCipher.requireEncryptionKey.pipe(withEnv({ SEATSYNC_ENCRYPTION_KEY: "c2hvcnQ=" }))
      )
      expect(Exit.isFailure(short)).toBe(true)
    })
  )
})

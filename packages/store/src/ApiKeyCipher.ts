/**
 * Encryption at rest of organisation API keys: AES-256-GCM under `SEATSYNC_ENCRYPTION_KEY`, bound to the
 * connection name (as additional authenticated data) so a ciphertext copied onto another connection does
 * not decrypt. Stored as `version (1) ‖ iv (12) ‖ tag (16) ‖ ciphertext`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"
import { Config, Effect, Option, Redacted, Schema } from "effect"

const version = 1
const ivLength = 12
const tagLength = 16

/** How to make a key, repeated in every error about it. */
export const howToMakeAKey =
  "Generate one with `openssl rand -base64 32` (or `node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"`) " +
  "and keep it in a secret store: without it the stored API keys cannot be read"

export class EncryptionKeyMissing extends Schema.TaggedError<EncryptionKeyMissing>()("EncryptionKeyMissing", {
  /**
   * The connection whose stored secret was to be read. Then a new key is the wrong advice (it cannot
   * decrypt what was stored): the message asks for the key it was stored with.
   */
  connection: Schema.optional(Schema.String)
}) {
  override get message() {
    return this.connection === undefined
      ? `SEATSYNC_ENCRYPTION_KEY is not set, so an API key cannot be stored encrypted. ${howToMakeAKey}`
      : `SEATSYNC_ENCRYPTION_KEY is not set, so the stored secrets of connection "${this.connection}" cannot be read. ` +
          "Set it to the key they were stored with (a newly generated key cannot decrypt them); if that key is lost, " +
          `store the API key again with \`seatsync connect ${this.connection} --update --api-key-stdin\``
  }
}

export class EncryptionKeyInvalid extends Schema.TaggedError<EncryptionKeyInvalid>()("EncryptionKeyInvalid", {
  reason: Schema.String
}) {
  override get message() {
    return `SEATSYNC_ENCRYPTION_KEY is not usable: ${this.reason}. ${howToMakeAKey}`
  }
}

export class ApiKeyUndecryptable extends Schema.TaggedError<ApiKeyUndecryptable>()("ApiKeyUndecryptable", {
  connection: Schema.String
}) {
  override get message() {
    return `The stored API key of connection "${this.connection}" cannot be decrypted with this SEATSYNC_ENCRYPTION_KEY (a different key, or damaged data). Set the key it was stored with, or store the API key again with \`seatsync connect ${this.connection} --update --api-key-stdin\``
  }
}

/** A 32-byte key, given as base64 (44 characters) or hex (64 characters). */
export const parseEncryptionKey = (
  value: Redacted.Redacted<string>
): Effect.Effect<Redacted.Redacted<Buffer>, EncryptionKeyInvalid> => {
  const text = Redacted.value(value).trim()
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64")
  return bytes.length === 32
    ? Effect.succeed(Redacted.make(bytes))
    : Effect.fail(new EncryptionKeyInvalid({ reason: `it decodes to ${bytes.length} bytes, not 32` }))
}

/** The encryption key from `SEATSYNC_ENCRYPTION_KEY`, if set. */
export const encryptionKey: Effect.Effect<
  Option.Option<Redacted.Redacted<Buffer>>,
  EncryptionKeyInvalid
> = Effect.gen(function* () {
  const configured = yield* Config.option(Config.redacted("SEATSYNC_ENCRYPTION_KEY")).pipe(
    Effect.orElseSucceed((): Option.Option<Redacted.Redacted<string>> => Option.none())
  )
  if (Option.isNone(configured)) return Option.none()
  return Option.some(yield* parseEncryptionKey(configured.value))
})

/** The encryption key, failing with how to make one when it is not set. */
export const requireEncryptionKey: Effect.Effect<
  Redacted.Redacted<Buffer>,
  EncryptionKeyMissing | EncryptionKeyInvalid
> = Effect.flatMap(
  encryptionKey,
  Option.match({ onNone: () => Effect.fail(new EncryptionKeyMissing()), onSome: Effect.succeed })
)

export const encrypt = (
  key: Redacted.Redacted<Buffer>,
  connectionName: string,
  apiKey: Redacted.Redacted<string>
): Uint8Array => {
  const iv = randomBytes(ivLength)
  const cipher = createCipheriv("aes-256-gcm", Redacted.value(key), iv, { authTagLength: tagLength })
  cipher.setAAD(Buffer.from(connectionName, "utf8"))
  const ciphertext = Buffer.concat([cipher.update(Redacted.value(apiKey), "utf8"), cipher.final()])
  return new Uint8Array(Buffer.concat([Buffer.from([version]), iv, cipher.getAuthTag(), ciphertext]))
}

export const decrypt = (
  key: Redacted.Redacted<Buffer>,
  connectionName: string,
  stored: Uint8Array
): Effect.Effect<Redacted.Redacted<string>, ApiKeyUndecryptable> =>
  Effect.try({
    try: () => {
      const data = Buffer.from(stored)
      if (data[0] !== version) throw new Error("unknown format")
      const iv = data.subarray(1, 1 + ivLength)
      const tag = data.subarray(1 + ivLength, 1 + ivLength + tagLength)
      const decipher = createDecipheriv("aes-256-gcm", Redacted.value(key), iv, { authTagLength: tagLength })
      decipher.setAAD(Buffer.from(connectionName, "utf8"))
      decipher.setAuthTag(tag)
      const plain = Buffer.concat([
        decipher.update(data.subarray(1 + ivLength + tagLength)),
        decipher.final()
      ])
      return Redacted.make(plain.toString("utf8"))
    },
    catch: () => new ApiKeyUndecryptable({ connection: connectionName })
  })

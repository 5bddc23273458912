/**
 * Superuser passwords for embedded clusters: random per throwaway cluster, generated once and kept in a 0600
 * file beside a persistent data directory.
 */
import { randomBytes } from "node:crypto"
import * as fs from "node:fs/promises"
import { Effect, Redacted } from "effect"

export const generatePassword = (): Redacted.Redacted<string> =>
  Redacted.make(randomBytes(24).toString("base64url"))

/** `<dataDir>.password`, e.g. `/var/lib/seatsync/postgres.password`. */
export const passwordFileFor = (dataDir: string): string => `${dataDir}.password`

export const readPasswordFile = (file: string): Effect.Effect<Redacted.Redacted<string>, Error> =>
  Effect.tryPromise({
    try: () => fs.readFile(file, "utf8"),
    catch: (cause) => new Error(`could not read ${file}: ${String(cause)}`)
  }).pipe(
    Effect.map((text) => text.trim()),
    Effect.filterOrFail(
      (text) => text.length > 0,
      () => new Error(`${file} is empty`)
    ),
    Effect.map(Redacted.make)
  )

/** Reads the password file, creating it (mode 0600, exclusively) with a fresh password when absent. */
export const readOrCreatePasswordFile = (file: string): Effect.Effect<Redacted.Redacted<string>, Error> =>
  Effect.gen(function* () {
    const password = generatePassword()
    const created = yield* Effect.tryPromise({
      try: () =>
        fs.writeFile(file, `${Redacted.value(password)}\n`, { mode: 0o600, flag: "wx" }).then(
          () => true,
          (error: NodeJS.ErrnoException) => {
            if (error.code === "EEXIST") return false
            throw error
          }
        ),
      catch: (cause) => new Error(`could not create ${file}: ${String(cause)}`)
    })
    return created ? password : yield* readPasswordFile(file)
  })

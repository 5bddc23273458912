/** Judges the database and the encryption key: the checks that come before any connection. Pure. */
import type { Migrations } from "@seatsync/store"
import { Either, Option } from "effect"
import { type Check, fail, pass, type Section } from "./Check.js"
import type { ProbeError } from "./Observations.js"

/** Why the database could not be used, with its own remedy when the failure carries one. */
export interface DatabaseFailure extends ProbeError {
  readonly remedy?: string | undefined
}

const makeAKey = 'export SEATSYNC_ENCRYPTION_KEY="$(openssl rand -base64 32)" and keep it in a secret store'

export const databaseCheck = (
  label: string,
  status: Either.Either<Migrations.MigrationStatus, DatabaseFailure>
): Check =>
  Either.match(status, {
    onLeft: (error) =>
      fail(
        "database",
        `${label}: ${error.message}`,
        error.remedy ??
          "Check DATABASE_URL (or unset it to use the embedded PostgreSQL) and that the server is running, then run `seatsync doctor` again"
      ),
    onRight: ({ applied, pending, unknown }) =>
      unknown.length > 0
        ? fail(
            "database",
            `${label}: migrated by a newer seatsync (${unknown.join(", ")} unknown to this build)`,
            "Upgrade seatsync to the version that migrated this database"
          )
        : pending.length > 0
          ? fail("database", `${label}: migrations pending: ${pending.join(", ")}`, "`seatsync migrate`")
          : pass("database", `${label}: reachable, ${applied.length} migrations applied, none pending`)
  })

/**
 * `SEATSYNC_ENCRYPTION_KEY`: valid when set; required when a connection has a stored (encrypted) secret.
 * `storedSecrets` names those connections.
 */
export const encryptionKeyCheck = (
  key: Either.Either<Option.Option<unknown>, ProbeError>,
  storedSecrets: ReadonlyArray<string>
): Check =>
  Either.match(key, {
    onLeft: (error) => fail("encryption key", error.message, makeAKey),
    onRight: Option.match({
      onSome: () => pass("encryption key", "SEATSYNC_ENCRYPTION_KEY is set and is a 32-byte key"),
      onNone: () =>
        storedSecrets.length > 0
          ? fail(
              "encryption key",
              `SEATSYNC_ENCRYPTION_KEY is not set, but ${storedSecrets.join(", ")} ${storedSecrets.length === 1 ? "has" : "have"} stored encrypted keys`,
              "Set SEATSYNC_ENCRYPTION_KEY to the key they were stored with"
            )
          : pass("encryption key", "not set (needed only to store keys, by `seatsync connect`)")
    })
  })

export const databaseSection = (checks: ReadonlyArray<Check>): Section => ({ title: "database", checks })

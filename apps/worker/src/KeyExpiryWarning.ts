/**
 * The worker's warning before a connection's API key expires: Atlassian sends none, so every sync job of a
 * connection whose recorded expiry (`seatsync connect --key-expires`) is 30 days away or past logs one
 * warning line with the day and how to replace the key.
 */
import { type Connections, KeyExpiry } from "@seatsync/store"
import { Clock, Effect } from "effect"

export const warnOfKeyExpiry = (connection: Connections.Connection): Effect.Effect<void> =>
  Effect.gen(function* () {
    const expiry = KeyExpiry.state(connection.apiKeyExpiresOn, new Date(yield* Clock.currentTimeMillis))
    if (expiry._tag !== "ExpiringSoon" && expiry._tag !== "Expired") return
    const when =
      expiry._tag === "Expired"
        ? `the API key expired on ${expiry.expiresOn}`
        : `the API key expires on ${expiry.expiresOn}, in ${expiry.daysLeft} day${expiry.daysLeft === 1 ? "" : "s"}`
    yield* Effect.logWarning(`${when}; ${KeyExpiry.replaceKey(connection.name)}`).pipe(
      Effect.annotateLogs({ keyExpiresOn: expiry.expiresOn, keyDaysLeft: expiry.daysLeft })
    )
  })

/**
 * When a connection's organisation API key expires, and what that means today: the date is the one Atlassian
 * shows when the key is created (recorded with `seatsync connect --key-expires`; the Admin API never tells),
 * and one rule — warn from 30 days ahead, fail from the day itself — serves `doctor`, the worker's warning
 * and metric, and the sentence a rejected key gets after that day.
 */
import { Schema } from "effect"

/** Days before the expiry from which `doctor` and the worker warn. */
export const warnDaysAhead = 30

const dayMillis = 24 * 60 * 60 * 1000

/** What the recorded date means at a given moment. */
export type KeyExpiryState =
  | { readonly _tag: "NotRecorded" }
  | { readonly _tag: "Valid"; readonly expiresOn: string; readonly daysLeft: number }
  | { readonly _tag: "ExpiringSoon"; readonly expiresOn: string; readonly daysLeft: number }
  | { readonly _tag: "Expired"; readonly expiresOn: string; readonly daysLeft: number }

/**
 * Whole days from `now`'s UTC day to the expiry day: 0 on the day itself (Atlassian's keys stop working
 * that day), negative after it.
 */
export const daysLeft = (expiresOn: string, now: Date): number =>
  Math.round(
    (Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`)) /
      dayMillis
  )

/** The state of a key that expires on `expiresOn` (null: not recorded) at `now`. */
export const state = (expiresOn: string | null, now: Date): KeyExpiryState => {
  if (expiresOn === null) return { _tag: "NotRecorded" }
  const left = daysLeft(expiresOn, now)
  if (left <= 0) return { _tag: "Expired", expiresOn, daysLeft: left }
  if (left <= warnDaysAhead) return { _tag: "ExpiringSoon", expiresOn, daysLeft: left }
  return { _tag: "Valid", expiresOn, daysLeft: left }
}

/** How to replace a key, in the words of every message about its expiry. */
export const replaceKey = (connection: string) =>
  "create a new key under Atlassian Administration → Settings → API keys (as an organisation admin, without " +
  `scopes), then run \`seatsync connect ${connection} --update --api-key-stdin --key-expires YYYY-MM-DD\` with ` +
  "the new key's expiry date"

/** Atlassian rejected the key (401) on or after the day it was recorded to expire: it expired. */
export class ApiKeyExpired extends Schema.TaggedError<ApiKeyExpired>()("ApiKeyExpired", {
  connection: Schema.String,
  expiresOn: Schema.String,
  /** The endpoint that answered 401. */
  endpoint: Schema.String
}) {
  override get message() {
    return `The API key of connection ${this.connection} expired on ${this.expiresOn} (Atlassian rejected it with 401 on ${this.endpoint}); ${replaceKey(this.connection)}`
  }
}

/**
 * What makes a connection's settings valid — its name, organisation id, schedule and time zone, inactivity
 * threshold, site, Jira email and API key expiry date — as one set of schemas. The CLI checks a user's input with `check` before
 * it talks to Atlassian (naming the option at fault), and `Connections.upsert` enforces the same schemas
 * again when a connection is stored, whoever stores it.
 */
import { Cron, Effect, Either, ParseResult, Schema } from "effect"

/** A slug: lower-case letters, digits and inner hyphens, at most 63 characters. */
export const ConnectionName = Schema.String.pipe(
  Schema.pattern(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: () =>
      "a connection name is a slug: lower-case letters, digits and inner hyphens, at most 63 characters"
  })
)

/** An organisation id: the UUID after /o/ in https://admin.atlassian.com/o/<orgId>/. */
export const OrgId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/, {
    message: () =>
      "an organisation id is the UUID after /o/ in https://admin.atlassian.com/o/<orgId>/ (letters, digits and hyphens)"
  })
)

/**
 * An organisation id as Atlassian issues it, a full UUID: what a user types (`connect --org-id`,
 * `sync --org-id`) is held to this, so that a truncated paste is a usage error before anything is sent
 * rather than a 404 from Atlassian. Stored ids are held only to `OrgId`.
 */
export const AtlassianOrgId = Schema.String.pipe(
  Schema.pattern(/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/, {
    message: (issue) =>
      `"${String(issue.actual)}" is not a whole organisation id: it is a UUID of 36 characters such as ` +
      "8f2c6a0e-1b3d-4c5e-9f70-112233445566, the part after /o/ in https://admin.atlassian.com/o/<orgId>/ " +
      "(copy all of it)"
  })
)

/** A key expiry date as Atlassian shows it when the key is created: a calendar day, YYYY-MM-DD. */
export const KeyExpiryDate = Schema.String.pipe(
  Schema.filter(
    (day) => /^\d{4}-\d{2}-\d{2}$/.test(day) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
    {
      message: (issue) =>
        `"${String(issue.actual)}" is not a date as YYYY-MM-DD (the expiry date Atlassian shows when the key is created)`
    }
  )
)

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone })
    return zone.trim() === zone && zone !== ""
  } catch {
    return false
  }
}

/** An IANA time zone, such as `UTC` or `Europe/Berlin`. */
export const TimeZone = Schema.String.pipe(
  Schema.filter(isTimeZone, {
    message: (issue) =>
      `"${String(issue.actual)}" is not an IANA time zone (for example UTC, Europe/Berlin, America/New_York)`
  })
)

/** A five-field cron expression (minute hour day-of-month month day-of-week). */
export const CronSchedule = Schema.String.pipe(
  Schema.filter((expression) => Either.isRight(Cron.parse(expression)), {
    message: (issue) =>
      `"${String(issue.actual)}" is not a cron schedule: five fields, minute hour day-of-month month day-of-week, for example "0 2 * * *"`
  })
)

/** Days without activity after which a seat counts as unused. */
export const InactiveAfterDays = Schema.Int.pipe(
  Schema.between(1, 3650, {
    message: () => "the inactivity threshold is a whole number of days from 1 to 3650"
  })
)

const isSiteUrl = (value: string): boolean => {
  try {
    const url = new URL(value)
    return (
      (url.protocol === "https:" || url.protocol === "http:") &&
      url.username === "" &&
      url.password === "" &&
      url.search === "" &&
      url.hash === ""
    )
  } catch {
    return false
  }
}

/**
 * A site's address. Stored as given; which hosts may be contacted (exactly `https://<name>.atlassian.net` in
 * production) is the site client's rule, checked when the site is used.
 */
export const SiteUrl = Schema.String.pipe(
  Schema.filter(isSiteUrl, {
    message: (issue) =>
      `"${String(issue.actual)}" is not a site address such as https://acme.atlassian.net (no credentials, query or fragment)`
  })
)

/** The email of the Jira administrator whose API token reads the site's seats. */
export const JiraEmail = Schema.String.pipe(
  Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, {
    message: () => "not an email address"
  })
)

/** The settings `check` looks at, each optional (an update names only what changes). */
export interface ConnectionSettings {
  readonly name?: string | undefined
  readonly orgId?: string | undefined
  /** An organisation id the user typed: a full UUID (`AtlassianOrgId`), reported as `orgId`. */
  readonly typedOrgId?: string | undefined
  readonly schedule?: string | undefined
  readonly timeZone?: string | undefined
  readonly inactiveAfterDays?: number | undefined
  readonly siteUrl?: string | undefined
  readonly jiraEmail?: string | undefined
  readonly apiKeyExpiresOn?: string | undefined
}

export type Setting = Exclude<keyof ConnectionSettings, "typedOrgId">

/** One setting broke its rule: which, the value, and why. */
export class ConnectionRuleViolation extends Schema.TaggedError<ConnectionRuleViolation>()(
  "ConnectionRuleViolation",
  {
    setting: Schema.Literal(
      "name",
      "orgId",
      "schedule",
      "timeZone",
      "inactiveAfterDays",
      "siteUrl",
      "jiraEmail",
      "apiKeyExpiresOn"
    ),
    reason: Schema.String
  }
) {
  override get message() {
    return `Invalid ${this.setting}: ${this.reason}`
  }
}

const decoders: {
  readonly [K in keyof ConnectionSettings]-?: (
    value: unknown
  ) => Effect.Effect<unknown, ParseResult.ParseError>
} = {
  name: Schema.decodeUnknown(ConnectionName),
  orgId: Schema.decodeUnknown(OrgId),
  typedOrgId: Schema.decodeUnknown(AtlassianOrgId),
  timeZone: Schema.decodeUnknown(TimeZone),
  schedule: Schema.decodeUnknown(CronSchedule),
  inactiveAfterDays: Schema.decodeUnknown(InactiveAfterDays),
  siteUrl: Schema.decodeUnknown(SiteUrl),
  jiraEmail: Schema.decodeUnknown(JiraEmail),
  apiKeyExpiresOn: Schema.decodeUnknown(KeyExpiryDate)
}

/** The order settings are checked in: the time zone before the schedule read in it. */
const order: ReadonlyArray<keyof ConnectionSettings> = [
  "name",
  "orgId",
  "typedOrgId",
  "timeZone",
  "schedule",
  "inactiveAfterDays",
  "siteUrl",
  "jiraEmail",
  "apiKeyExpiresOn"
]

/** The setting a violation is reported under: a typed org id is the org id. */
const reportedAs = (setting: keyof ConnectionSettings): Setting =>
  setting === "typedOrgId" ? "orgId" : setting

/** The rule's own sentence (the first issue), without the schema's internals. */
const messageOf = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)[0]?.message ?? error.message

/** Checks every given setting; fails with the first one that breaks its rule. */
export const check = (settings: ConnectionSettings): Effect.Effect<void, ConnectionRuleViolation> =>
  Effect.forEach(
    order,
    (setting) => {
      const value = settings[setting]
      if (value === undefined) return Effect.void
      return decoders[setting](value).pipe(
        Effect.mapError(
          (error) => new ConnectionRuleViolation({ setting: reportedAs(setting), reason: messageOf(error) })
        )
      )
    },
    { discard: true }
  )

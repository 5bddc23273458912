/**
 * The connection's rules: one schema per setting, checked by `check` (naming the setting at fault) and
 * enforced again by `Connections.upsert`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { ConnectionRules, Connections, Database } from "../src/index.js"

const violation = (settings: ConnectionRules.ConnectionSettings) =>
  Effect.flip(ConnectionRules.check(settings))

describe("ConnectionRules.check", () => {
  it.effect("accepts what seatsync connect stores by default and typical values", () =>
    ConnectionRules.check({
      name: "acme-eu",
      orgId: "8f2c6a0e-1b3d-4c5e-9f70-112233445566",
      schedule: "0 2 * * *",
      timeZone: "Europe/Berlin",
      inactiveAfterDays: 90,
      siteUrl: "https://acme.atlassian.net",
      jiraEmail: "admin@acme.com"
    })
  )

  it.effect("names the setting at fault: the time zone, not the schedule, when the zone is wrong", () =>
    Effect.gen(function* () {
      const zone = yield* violation({ schedule: "0 2 * * *", timeZone: "Mars/Olympus" })
      expect(zone.setting).toBe("timeZone")
      expect(zone.reason).toContain('"Mars/Olympus" is not an IANA time zone')
      const cron = yield* violation({ schedule: "every night", timeZone: "UTC" })
      expect(cron.setting).toBe("schedule")
      expect(cron.reason).toContain('"every night" is not a cron schedule')
    })
  )

  it.effect("refuses each broken setting with its own reason", () =>
    Effect.gen(function* () {
      expect((yield* violation({ name: "Acme" })).setting).toBe("name")
      expect((yield* violation({ orgId: "x" })).setting).toBe("orgId")
      expect((yield* violation({ orgId: "../admin" })).setting).toBe("orgId")
      expect((yield* violation({ inactiveAfterDays: 0 })).setting).toBe("inactiveAfterDays")
      expect((yield* violation({ inactiveAfterDays: 3651 })).setting).toBe("inactiveAfterDays")
      expect((yield* violation({ siteUrl: "https://user:pw@acme.atlassian.net" })).setting).toBe("siteUrl")
      expect((yield* violation({ jiraEmail: "not-an-email" })).setting).toBe("jiraEmail")
    })
  )

  it.effect("a typed org id must be a whole UUID; a truncated paste is refused as the org id", () =>
    Effect.gen(function* () {
      yield* ConnectionRules.check({ typedOrgId: "8f2c6a0e-1b3d-4c5e-9f70-112233445566" })
      const truncated = yield* violation({ typedOrgId: "8f2c6a0e-1b3d-4c5e-9f70-1122334455" })
      expect(truncated.setting).toBe("orgId")
      expect(truncated.reason).toContain(
        '"8f2c6a0e-1b3d-4c5e-9f70-1122334455" is not a whole organisation id'
      )
      expect(truncated.reason).toContain("copy all of it")
      // Stored ids (and the store's own fixtures) are held only to the looser OrgId rule.
      yield* ConnectionRules.check({ orgId: "org-acme" })
    })
  )

  it.effect("a key expiry date is a real calendar day, YYYY-MM-DD", () =>
    Effect.gen(function* () {
      yield* ConnectionRules.check({ apiKeyExpiresOn: "2027-02-28" })
      expect((yield* violation({ apiKeyExpiresOn: "2027-02-30" })).setting).toBe("apiKeyExpiresOn")
      const slashes = yield* violation({ apiKeyExpiresOn: "28/02/2027" })
      expect(slashes.setting).toBe("apiKeyExpiresOn")
      expect(slashes.reason).toBe(
        '"28/02/2027" is not a date as YYYY-MM-DD (the expiry date Atlassian shows when the key is created)'
      )
    })
  )

  it.effect("the day range is inclusive at both ends", () =>
    Effect.gen(function* () {
      yield* ConnectionRules.check({ inactiveAfterDays: 1 })
      yield* ConnectionRules.check({ inactiveAfterDays: 3650 })
    })
  )
})

describe("Connections.upsert enforces the rules again", () => {
  it.layer(Database.layerThrowaway, { timeout: 120_000 })((it) => {
    it.effect("a connection breaking a rule is never stored", () =>
      Effect.gen(function* () {
        const badZone = yield* Effect.flip(
          Connections.upsert({ name: "rules", orgId: "org-rules", timeZone: "Mars/Olympus" })
        )
        expect(badZone._tag).toBe("ParseError")
        const badCron = yield* Effect.flip(
          Connections.upsert({ name: "rules", orgId: "org-rules", schedule: "every night" })
        )
        expect(badCron._tag).toBe("ParseError")
        expect(yield* Connections.findByName("rules")).toEqual(expect.objectContaining({ _tag: "None" }))
        const stored = yield* Connections.upsert({
          name: "rules",
          orgId: "org-rules",
          timeZone: "Asia/Tokyo"
        })
        expect(stored.timeZone).toBe("Asia/Tokyo")
      })
    )
  })
})

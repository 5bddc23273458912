import { expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as Connections from "../src/Connections.js"
import * as Database from "../src/Database.js"

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("Connections", (it) => {
  it.effect("inserts a connection with the documented defaults", () =>
    Effect.gen(function* () {
      const connection = yield* Connections.upsert({ name: "acme", orgId: "org-acme" })
      expect(connection).toMatchObject({
        name: "acme",
        orgId: "org-acme",
        siteUrl: null,
        guard: "unknown",
        schedule: "0 2 * * *",
        timeZone: "UTC",
        inactiveAfterDays: 90,
        apiKeyCiphertext: null,
        apiKeyExpiresOn: null
      })
      expect(connection.id).toBeGreaterThan(0)
      expect(Option.getOrThrow(yield* Connections.findByName("acme"))).toEqual(connection)
      expect(Option.getOrThrow(yield* Connections.findById(connection.id))).toEqual(connection)
    })
  )

  it.effect("updates by name, keeps omitted fields and moves updatedAt only on a change", () =>
    Effect.gen(function* () {
      const key = new Uint8Array([1, 2, 3, 250])
      const created = yield* Connections.upsert({
        name: "globex",
        orgId: "org-globex",
        siteUrl: "https://globex.atlassian.net",
        guard: "enabled",
        apiKeyCiphertext: key
      })
      const same = yield* Connections.upsert({ name: "globex", orgId: "org-globex" })
      expect(same.id).toBe(created.id)
      expect(same.updatedAt).toEqual(created.updatedAt)
      expect(same.siteUrl).toBe("https://globex.atlassian.net")
      expect(same.guard).toBe("enabled")
      expect([...(same.apiKeyCiphertext ?? [])]).toEqual([...key])

      const changed = yield* Connections.upsert({
        name: "globex",
        orgId: "org-globex",
        inactiveAfterDays: 30,
        apiKeyCiphertext: null
      })
      expect(changed.id).toBe(created.id)
      expect(changed.inactiveAfterDays).toBe(30)
      expect(changed.apiKeyCiphertext).toBeNull()
      expect(changed.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime())
      expect(changed.createdAt).toEqual(created.createdAt)
    })
  )

  it.effect("lists connections by name", () =>
    Effect.gen(function* () {
      yield* Connections.upsert({ name: "zeta", orgId: "org-zeta" })
      yield* Connections.upsert({ name: "alpha", orgId: "org-alpha" })
      const names = (yield* Connections.list).map((connection) => connection.name)
      expect(names).toEqual([...names].sort())
      expect(names).toEqual(expect.arrayContaining(["alpha", "zeta"]))
    })
  )

  it.effect("rejects a name that is not a slug, before touching the database", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Connections.upsert({ name: "Not A Slug", orgId: "org" }))
      expect(error._tag).toBe("ParseError")
      expect(Option.isNone(yield* Connections.findByName("Not A Slug"))).toBe(true)
    })
  )

  it.effect("finds nothing for an unknown name", () =>
    Effect.gen(function* () {
      expect(Option.isNone(yield* Connections.findByName("nobody"))).toBe(true)
    })
  )

  it.effect("pauses after N failures in a row, with the reason, until resumed", () =>
    Effect.gen(function* () {
      const connection = yield* Connections.upsert({ name: "flaky", orgId: "org-flaky" })
      expect(connection).toMatchObject({ pausedAt: null, pausedReason: null, consecutiveFailures: 0 })
      const first = yield* Connections.recordFailure(connection.id, { reason: "first", pauseAfter: 3 })
      expect(first).toEqual({ consecutiveFailures: 1, pausedNow: false })
      yield* Connections.recordSuccess(connection.id)
      for (const n of [1, 2]) {
        expect(yield* Connections.recordFailure(connection.id, { reason: `r${n}`, pauseAfter: 3 })).toEqual({
          consecutiveFailures: n,
          pausedNow: false
        })
      }
      expect(
        yield* Connections.recordFailure(connection.id, { reason: "key revoked", pauseAfter: 3 })
      ).toEqual({
        consecutiveFailures: 3,
        pausedNow: true
      })
      // A further failure keeps the first reason and does not pause "again".
      expect(yield* Connections.recordFailure(connection.id, { reason: "later", pauseAfter: 3 })).toEqual({
        consecutiveFailures: 4,
        pausedNow: false
      })
      const paused = Option.getOrThrow(yield* Connections.findByName("flaky"))
      expect(paused.pausedReason).toBe("key revoked")
      expect(paused.pausedAt).toBeInstanceOf(Date)

      const resumed = Option.getOrThrow(yield* Connections.resume("flaky"))
      expect(resumed).toMatchObject({ pausedAt: null, pausedReason: null, consecutiveFailures: 0 })
      expect(Option.isNone(yield* Connections.resume("nobody"))).toBe(true)
    })
  )

  it.effect("a configuration change resumes a paused connection; an unchanged upsert does not", () =>
    Effect.gen(function* () {
      const connection = yield* Connections.upsert({ name: "reconf", orgId: "org-reconf" })
      yield* Connections.recordFailure(connection.id, { reason: "forbidden", pauseAfter: 1 })
      const unchanged = yield* Connections.upsert({ name: "reconf", orgId: "org-reconf" })
      expect(unchanged.pausedReason).toBe("forbidden")
      expect(unchanged.consecutiveFailures).toBe(1)
      const changed = yield* Connections.upsert({
        name: "reconf",
        orgId: "org-reconf",
        schedule: "0 4 * * *"
      })
      expect(changed).toMatchObject({ pausedAt: null, pausedReason: null, consecutiveFailures: 0 })
    })
  )

  it.effect("stores the key's expiry day as given, keeps it when omitted, clears it with null", () =>
    Effect.gen(function* () {
      const created = yield* Connections.upsert({
        name: "expiring",
        orgId: "org-expiring",
        apiKeyExpiresOn: "2027-03-31"
      })
      expect(created.apiKeyExpiresOn).toBe("2027-03-31")
      const kept = yield* Connections.upsert({
        name: "expiring",
        orgId: "org-expiring",
        schedule: "0 5 * * *"
      })
      expect(kept.apiKeyExpiresOn).toBe("2027-03-31")
      const cleared = yield* Connections.upsert({
        name: "expiring",
        orgId: "org-expiring",
        apiKeyExpiresOn: null
      })
      expect(cleared.apiKeyExpiresOn).toBeNull()
      const bad = yield* Effect.flip(
        Connections.upsert({ name: "expiring", orgId: "org-expiring", apiKeyExpiresOn: "31.03.2027" })
      )
      expect(bad._tag).toBe("ParseError")
    })
  )

  it.effect("stores Jira site credentials together, and refuses one without the other", () =>
    Effect.gen(function* () {
      const token = new Uint8Array([9, 8, 7])
      const connection = yield* Connections.upsert({
        name: "jira",
        orgId: "org-jira",
        jiraEmail: "admin@example.com",
        jiraTokenCiphertext: token
      })
      expect(connection.jiraEmail).toBe("admin@example.com")
      expect([...(connection.jiraTokenCiphertext ?? [])]).toEqual([...token])
      const half = yield* Effect.flip(
        Connections.upsert({ name: "half", orgId: "org-half", jiraEmail: "admin@example.com" })
      )
      expect(String(half.cause)).toMatch(/connection_jira_credentials_together/)
    })
  )
})

/**
 * The sentences that tell an operator what to do must say the right thing (issue 11, item 4): each failure
 * below once gave advice that made things worse or named the wrong thing.
 */
import { describe, expect, it } from "@effect/vitest"
import { ApiKeyCipher, KeyExpiry, LockHeld } from "@seatsync/store"
import { reportFor } from "../src/ErrorReport.js"

describe("advice that says the right thing", () => {
  it("a stored connection without SEATSYNC_ENCRYPTION_KEY asks for the key it was stored with, never a new one", () => {
    const report = reportFor(new ApiKeyCipher.EncryptionKeyMissing({ connection: "acme" }))
    expect(report.code).toBe(2)
    expect(report.sentence).toContain("Set it to the key they were stored with")
    expect(report.sentence).not.toContain("openssl rand")
    // Storing a new key (connect) is where making one is the right advice.
    expect(reportFor(new ApiKeyCipher.EncryptionKeyMissing({})).sentence).toContain("openssl rand -base64 32")
  })

  it("LockHeld names the connection by its name, not its number", () => {
    const report = reportFor(new LockHeld({ connectionId: 2, connectionName: "acme", heldBy: 5 }))
    expect(report.code).toBe(10)
    expect(report.sentence).toBe(
      "Connection acme is already being synced by run 5; wait for it to finish (or stop it) and try again. Wait for that run to finish (see the run ledger), then try again."
    )
  })

  it("a key rejected after its recorded expiry says it expired that day and how to replace it (exit 3)", () => {
    const report = reportFor(
      new KeyExpiry.ApiKeyExpired({
        connection: "acme",
        expiresOn: "2026-11-01",
        endpoint: "/v1/orgs/{orgId}"
      })
    )
    expect(report.code).toBe(3)
    expect(report.sentence).toBe(
      "The API key of connection acme expired on 2026-11-01 (Atlassian rejected it with 401 on /v1/orgs/{orgId}); create a new key under Atlassian Administration → Settings → API keys (as an organisation admin, without scopes), then run `seatsync connect acme --update --api-key-stdin --key-expires YYYY-MM-DD` with the new key's expiry date."
    )
  })
})

import { FetchHttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { AtlassianClient, SiteClient, unpaced } from "@seatsync/atlassian-client"
import { Simulator, SiteHandlers } from "@seatsync/atlassian-simulator"
import { Product } from "@seatsync/normalise"
import { Connections, Database } from "@seatsync/store"
import { Effect, Layer, Logger, Redacted } from "effect"
import { applySiteSeats, readSiteSeats, runSync } from "../src/index.js"

const product = (productKey: string, cloudId: string, capacity: number | null) =>
  new Product({
    productId: `ari:cloud:${productKey}::site/${cloudId}`,
    productKey,
    cloudId,
    name: productKey,
    url: null,
    capacity,
    plan: null,
    status: "online"
  })

describe("applySiteSeats", () => {
  const roles = [
    { key: "jira-software", numberOfSeats: 250, userCount: 200 },
    { key: "jira-servicedesk", numberOfSeats: 10, hasUnlimitedSeats: true },
    { key: "jira-product-discovery" }
  ]

  it("gives a Jira product on the site its licence's seats, whatever the workspace said", () => {
    const [jira, confluence, otherSite] = applySiteSeats(
      [
        product("jira-software", "site-a", null),
        product("confluence", "site-a", 100),
        product("jira-software", "site-b", 7)
      ],
      { cloudId: "site-a", roles }
    )
    expect(jira?.capacity).toBe(250)
    expect(confluence?.capacity).toBe(100)
    expect(otherSite?.capacity).toBe(7)
    expect(
      applySiteSeats([product("jira-software", "site-a", 300)], { cloudId: "site-a", roles })[0]?.capacity
    ).toBe(250)
  })

  it("keeps the workspace's capacity for an unlimited licence or a role without a seat count", () => {
    const result = applySiteSeats(
      [product("jira-servicedesk", "site-a", 40), product("jira-product-discovery", "site-a", null)],
      { cloudId: "site-a", roles }
    )
    expect(result.map((p) => p.capacity)).toEqual([40, null])
  })
})

describe("runSync with site seats", () => {
  it.layer(Database.layerThrowaway, { timeout: 120_000 })((it) => {
    const siteLayer = SiteClient.layer({ unsafeAllowAnyHost: true }).pipe(
      Layer.provide(FetchHttpClient.layer)
    )

    it.scoped("stores the Jira licence's seats as the product's capacity", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ seed: 11, users: 60 })
        const connection = yield* Connections.upsert({ name: "site-seats", orgId: simulator.orgId })
        const credentials = {
          email: SiteHandlers.defaultSiteCredentials.email,
          apiToken: Redacted.make(SiteHandlers.defaultSiteCredentials.apiToken)
        }
        const seats = yield* readSiteSeats(simulator.baseUrl, credentials).pipe(Effect.provide(siteLayer))
        expect(seats.roles.map((role) => role.key)).toContain("jira-software")
        yield* runSync(connection, {
          trigger: "cli",
          siteSeats: readSiteSeats(simulator.baseUrl, credentials).pipe(Effect.provide(siteLayer))
        }).pipe(
          Effect.provide(
            AtlassianClient.layer({
              apiKey: Redacted.make(simulator.apiKey),
              adminBaseUrl: simulator.adminBaseUrl,
              pacing: unpaced
            }).pipe(Layer.provide(FetchHttpClient.layer))
          )
        )
        const sql = yield* SqlClient.SqlClient
        const stored = yield* sql<{ readonly productKey: string; readonly capacity: number | null }>`
          SELECT product_key AS "productKey", capacity FROM seatsync.product
          WHERE connection_id = ${connection.id} AND cloud_id = ${seats.cloudId}`
        for (const role of seats.roles) {
          expect(stored.find((row) => row.productKey === role.key)?.capacity).toBe(role.numberOfSeats)
        }
      })
    )

    it.scoped("a rejected site token is a warning: the run still succeeds", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({ seed: 12, users: 30 })
        const connection = yield* Connections.upsert({ name: "site-seats-bad", orgId: simulator.orgId })
        const messages: Array<string> = []
        const capture = Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ message, annotations }) => {
            messages.push(`${String(message)} ${JSON.stringify([...annotations])}`)
          })
        )
        const summary = yield* runSync(connection, {
          trigger: "cli",
          siteSeats: readSiteSeats(simulator.baseUrl, {
            email: "someone@example.com",
            apiToken: Redacted.make("not-the-token")
          }).pipe(Effect.provide(siteLayer))
        }).pipe(
          Effect.provide(
            AtlassianClient.layer({
              apiKey: Redacted.make(simulator.apiKey),
              adminBaseUrl: simulator.adminBaseUrl,
              pacing: unpaced
            }).pipe(Layer.provide(FetchHttpClient.layer))
          ),
          Effect.provide(capture)
        )
        expect(summary.entities.org_user.inserted).toBe(30)
        const warning = messages.find((line) => line.includes("Could not read Jira seats"))
        expect(warning).toContain("InvalidApiKey")
        expect(messages.join("\n")).not.toContain("not-the-token")
      })
    )
  })
})

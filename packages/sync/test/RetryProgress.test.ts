/** A run tells its progress sink about every retry the client makes, in forked listings too. */
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { AtlassianClient, unpaced } from "@seatsync/atlassian-client"
import { Fault, Simulator } from "@seatsync/atlassian-simulator"
import { Connections, Database } from "@seatsync/store"
import { Effect, Layer, Redacted } from "effect"
import * as TestServices from "effect/TestServices"
import { type ProgressEvent, runSync } from "../src/index.js"

describe("retry notices in a run's progress", () => {
  it.layer(Database.layerThrowaway, { timeout: 120_000 })((it) => {
    it.scoped("a 503 on the second users page and one on a group search are Retrying events", () =>
      Effect.gen(function* () {
        const simulator = yield* Simulator.start({
          seed: 7,
          users: 250,
          faults: [
            Fault.status("searchDirectoryUsers", 503, { calls: { nth: 2 } }),
            Fault.status("searchDirectoryGroups", 503, { calls: { nth: 1 } })
          ]
        })
        const connection = yield* Connections.upsert({ name: "retry-progress", orgId: simulator.orgId })
        const client = AtlassianClient.layer({
          apiKey: Redacted.make(simulator.apiKey),
          adminBaseUrl: simulator.adminBaseUrl,
          pacing: unpaced
        }).pipe(Layer.provide(FetchHttpClient.layer))
        const events: Array<ProgressEvent> = []
        const summary = yield* runSync(connection, {
          trigger: "cli",
          onProgress: (event) => Effect.sync(() => void events.push(event))
        }).pipe(Effect.provide(client))
        const retries = events.flatMap((event) => (event._tag === "Retrying" ? [event.notice] : []))
        expect(retries.map((notice) => notice.endpoint).sort()).toEqual([
          "POST /v2/orgs/{orgId}/directories/{directoryId}/groups/search",
          "POST /v2/orgs/{orgId}/directories/{directoryId}/users/search"
        ])
        for (const notice of retries) {
          expect(notice).toMatchObject({ kind: "server-error", status: 503, attempt: 1, maxAttempts: 13 })
          expect(notice.url.startsWith(`${simulator.adminBaseUrl}/v2/orgs/${simulator.orgId}/`)).toBe(true)
        }
        expect(summary.api.retries).toBe(2)
      }).pipe(TestServices.provideLive)
    )
  })
})

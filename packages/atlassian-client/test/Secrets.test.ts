import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Cause, Effect, Exit, Logger, Redacted, Schema, Stream } from "effect"
import { AtlassianClient, Endpoints, unpaced } from "../src/index.js"
import { makeTransport } from "../src/internal/Transport.js"
import { Fault } from "./support.js"

const secret = "sk-ATATT3xFfGF0-very-secret-key-value"

describe("the API key", () => {
  it.scoped("never appears in logs, errors or causes of a failing run", () =>
    Effect.gen(function* () {
      const simulator = yield* Simulator.start({
        users: 150,
        apiKey: secret,
        faults: [Fault.malformedBody("searchDirectoryUsers", { nth: 2 })]
      })
      const lines: Array<string> = []
      const capture = Logger.make(({ message, cause, annotations }) => {
        lines.push(JSON.stringify({ message, annotations: [...annotations] }), Cause.pretty(cause))
      })
      const client = yield* AtlassianClient.make({
        apiKey: Redacted.make(secret),
        adminBaseUrl: simulator.adminBaseUrl,
        pacing: unpaced
      }).pipe(Effect.provide(FetchHttpClient.layer))
      const exit = yield* client.users(simulator.orgId).pipe(
        Stream.runDrain,
        Effect.tapErrorCause((cause) => Effect.logError("sync failed", cause)),
        Effect.tapError((error) => Effect.logError(error, JSON.stringify(error), String(error))),
        Effect.exit,
        Effect.provide(Logger.replace(Logger.defaultLogger, capture))
      )
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) lines.push(Cause.pretty(exit.cause), JSON.stringify(exit.cause))
      const everything = lines.join("\n")
      expect(everything).toContain("UnexpectedResponse")
      expect(everything).not.toContain(secret)
      expect(everything).not.toContain("very-secret")
    })
  )

  it.scoped("is sent only to the configured Admin API: no non-read request leaves the process", () =>
    Effect.gen(function* () {
      const simulator = yield* Simulator.start({ users: 5 })
      const transport = yield* makeTransport({
        apiKey: Redacted.make(simulator.apiKey),
        adminBaseUrl: simulator.adminBaseUrl,
        pacing: unpaced
      }).pipe(Effect.provide(FetchHttpClient.layer))
      // Endpoints forged outside the table (the transport only takes table entries), and table entries
      // with parameters that are not one path segment.
      const forged = (method: "GET" | "POST", template: string): Endpoints.Endpoint => ({
        method,
        template,
        name: `${method} ${template}`,
        pages: "none",
        maxPageSize: undefined,
        budget: "general",
        notFoundMeansOrg: false
      })
      const orgId = simulator.orgId
      const attempts = [
        transport.call(
          { endpoint: forged("POST", `/v2/orgs/${orgId}/directories/-/users/u1/suspend`), params: {} },
          Schema.Unknown
        ),
        transport.call(
          { endpoint: forged("POST", `/v2/orgs/${orgId}/users/invite`), params: {} },
          Schema.Unknown
        ),
        transport.call(
          { endpoint: forged("GET", `/v2/orgs/${orgId}/directories/-/users`), params: {} },
          Schema.Unknown
        ),
        transport.call({ endpoint: forged("GET", "/../../elsewhere"), params: {} }, Schema.Unknown),
        transport.call({ endpoint: Endpoints.org, params: { orgId: ".." } }, Schema.Unknown),
        transport.call({ endpoint: Endpoints.managedAccounts, params: { orgId: "." } }, Schema.Unknown),
        transport.call(
          { endpoint: Endpoints.usersSearch, params: { orgId, directoryId: "" } },
          Schema.Unknown
        )
      ]
      for (const attempt of attempts) {
        const error = yield* Effect.flip(attempt)
        expect(error._tag).toBe("ReadOnlyViolation")
      }
      expect(yield* simulator.requestCount).toBe(0)
    })
  )
})

import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Cause, Effect, Exit, Logger, Redacted, Stream } from "effect"
import { AtlassianClient, unpaced } from "../src/index.js"
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
      const { Schema } = yield* Effect.promise(() => import("effect"))
      const attempts = [
        { method: "POST" as const, path: `/v2/orgs/${simulator.orgId}/directories/-/users/u1/suspend` },
        { method: "POST" as const, path: `/v2/orgs/${simulator.orgId}/users/invite` },
        { method: "GET" as const, path: `/v2/orgs/${simulator.orgId}/directories/-/users` },
        { method: "GET" as const, path: "/../../elsewhere" }
      ]
      for (const attempt of attempts) {
        const error = yield* Effect.flip(
          transport.call({ endpoint: `${attempt.method} ${attempt.path}`, ...attempt }, Schema.Unknown)
        )
        expect(error._tag).toBe("ReadOnlyViolation")
      }
      expect(yield* simulator.requestCount).toBe(0)
    })
  )
})

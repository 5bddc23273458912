import { expect, it } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import * as Database from "../src/Database.js"
import * as SyncRuns from "../src/SyncRuns.js"
import { makeConnection } from "./fixtures.js"

class ExampleFailure extends Schema.TaggedError<ExampleFailure>()("ExampleFailure", {
  endpoint: Schema.String
}) {
  override get message() {
    return `example failure on ${this.endpoint}`
  }
}

const stats: SyncRuns.RunStats = {
  entityCounts: { org_user: 1234, org_group: 56 },
  apiCalls: 42,
  retries: 3,
  rateLimited: 1,
  sleptMs: 1500
}

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("SyncRuns", (it) => {
  it.effect("starts a run as running, unfinished, with zero counts", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const runId = yield* SyncRuns.start(connection.id, "worker")
      const run = Option.getOrThrow(yield* SyncRuns.findById(runId))
      expect(run).toMatchObject({
        id: runId,
        connectionId: connection.id,
        status: "running",
        trigger: "worker",
        finishedAt: null,
        entityCounts: {},
        apiCalls: 0,
        retries: 0,
        rateLimited: 0,
        sleptMs: 0,
        error: null
      })
    })
  )

  it.effect("succeed records the stats and the finish time", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const runId = yield* SyncRuns.start(connection.id, "cli")
      const run = yield* SyncRuns.succeed(runId, stats)
      expect(run).toMatchObject({ status: "succeeded", ...stats, error: null })
      expect(run.finishedAt).not.toBeNull()
    })
  )

  it.effect("fail stores the tagged error as JSON with its message", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const runId = yield* SyncRuns.start(connection.id, "cli")
      const run = yield* SyncRuns.fail(runId, new ExampleFailure({ endpoint: "GET /v1/orgs" }), stats)
      expect(run.status).toBe("failed")
      expect(run.error).toMatchObject({
        _tag: "ExampleFailure",
        endpoint: "GET /v1/orgs",
        message: "example failure on GET /v1/orgs"
      })
    })
  )

  it.effect("interrupt marks the run interrupted", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const runId = yield* SyncRuns.start(connection.id, "demo")
      expect((yield* SyncRuns.interrupt(runId, SyncRuns.emptyStats)).status).toBe("interrupted")
    })
  )

  it.effect("a finished run cannot change again", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const runId = yield* SyncRuns.start(connection.id, "cli")
      yield* SyncRuns.succeed(runId, stats)
      const error = yield* Effect.flip(SyncRuns.fail(runId, "late", SyncRuns.emptyStats))
      expect(error).toMatchObject({ _tag: "SyncRunNotRunning", runId, status: "succeeded" })
      expect(Option.getOrThrow(yield* SyncRuns.findById(runId)).status).toBe("succeeded")
    })
  )

  it.effect("listRecent returns newest first, per connection or across all, up to the limit", () =>
    Effect.gen(function* () {
      const left = yield* makeConnection("left")
      const right = yield* makeConnection("right")
      const a = yield* SyncRuns.start(left.id, "cli")
      const b = yield* SyncRuns.start(right.id, "cli")
      const c = yield* SyncRuns.start(left.id, "worker")
      expect((yield* SyncRuns.listRecent(left.id)).map((run) => run.id)).toEqual([c, a])
      expect((yield* SyncRuns.listRecent(undefined, 2)).map((run) => run.id)).toEqual([c, b])
      expect(yield* SyncRuns.listRecent(right.id, 0)).toEqual([])
    })
  )
})

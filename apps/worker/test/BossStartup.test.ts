/**
 * Replicas starting at the same moment on a fresh database: each one starts pg-boss (creating or migrating
 * its schema) and creates the worker's queues, as `seatsync-worker` does at start. Each replica here has a
 * pool of its own, as a process would, and they are released together once every pool is open.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Database, EmbeddedPostgres } from "@seatsync/store"
import { Cause, Deferred, Duration, Effect, Either, Layer, type Redacted, Ref } from "effect"
import * as Boss from "../src/Boss.js"
import { createQueues } from "../src/Queues.js"

const replicas = 6
const rounds = 4

/** `replicas` start-ups against `schema`, all begun at once; each one's outcome. */
const startTogether = (url: Redacted.Redacted<string>, schema: string) =>
  Effect.gen(function* () {
    const opened = yield* Ref.make(0)
    const go = yield* Deferred.make<void>()
    const replica = Effect.scoped(
      Effect.gen(function* () {
        const database = yield* Layer.build(Database.layerUrl(url))
        if ((yield* Ref.updateAndGet(opened, (n) => n + 1)) === replicas)
          yield* Deferred.succeed(go, undefined)
        yield* Deferred.await(go)
        const boss = yield* Layer.build(
          Boss.layer({ schema, cron: true, stopTimeout: Duration.seconds(2) })
        ).pipe(Effect.provide(database))
        yield* createQueues.pipe(Effect.provide(boss))
      })
    )
    return yield* Effect.all(
      Array.from({ length: replicas }, () => Effect.either(replica)),
      { concurrency: "unbounded" }
    )
  })

describe("pg-boss start-up", () => {
  layer(Database.layerThrowaway, { timeout: 300_000, excludeTestServices: true })((it) => {
    it.effect(
      `${replicas} replicas starting together on a fresh database all start and create their queues (${rounds} rounds)`,
      () =>
        Effect.gen(function* () {
          const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
          const failures: Array<string> = []
          for (let round = 1; round <= rounds; round++) {
            // A schema pg-boss has never seen: the fresh database of each round.
            const outcomes = yield* startTogether(cluster.url, `boss_startup_${round}`).pipe(
              Effect.timeoutFail({
                duration: "90 seconds",
                onTimeout: () => new Error(`round ${round}: the start-ups did not finish within 90 s`)
              })
            )
            for (const outcome of outcomes) {
              if (Either.isLeft(outcome)) {
                const error = outcome.left
                failures.push(
                  `round ${round}: ${error instanceof Error ? error.message : Cause.pretty(Cause.fail(error))}`
                )
              }
            }
          }
          // Every round runs, so that a failure shows how often start-ups fail, not only the first.
          expect(failures).toEqual([])
        }),
      300_000
    )
  })
})

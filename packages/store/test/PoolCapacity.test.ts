/**
 * The pool size an operator sets (`SEATSYNC_DB_POOL_SIZE`, read by `Database.layer`) and the server's
 * connection limits (`ServerCapacity`), against a real embedded PostgreSQL.
 */
import { PgClient } from "@effect/sql-pg"
import { expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import * as Database from "../src/Database.js"
import * as EmbeddedPostgres from "../src/EmbeddedPostgres.js"
import * as PgPool from "../src/PgPool.js"
import * as PoolSize from "../src/PoolSize.js"
import * as ServerCapacity from "../src/ServerCapacity.js"

const withEnv = (entries: ReadonlyArray<readonly [string, string]>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(entries)))

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("pool size and server capacity", (it) => {
  it.effect("SEATSYNC_DB_POOL_SIZE defaults to node-postgres' 10 and refuses fewer than 2", () =>
    Effect.gen(function* () {
      expect(yield* PoolSize.config.pipe(withEnv([]))).toBe(10)
      expect(yield* PoolSize.config.pipe(withEnv([["SEATSYNC_DB_POOL_SIZE", "40"]]))).toBe(40)
      const refused = yield* Effect.flip(PoolSize.config.pipe(withEnv([["SEATSYNC_DB_POOL_SIZE", "1"]])))
      expect(String(refused)).toContain("SEATSYNC_DB_POOL_SIZE must be a whole number from 2 to 1000")
    })
  )

  it.effect("the server's limits and the connections open now, seatsync's among them", () =>
    Effect.gen(function* () {
      const capacity = yield* ServerCapacity.read
      expect(capacity.maxConnections).toBeGreaterThan(capacity.reservedConnections)
      expect(ServerCapacity.available(capacity)).toBe(capacity.maxConnections - capacity.reservedConnections)
      expect(capacity.seatsyncConnections).toBeGreaterThanOrEqual(1)
      expect(capacity.connectionsInUse).toBeGreaterThanOrEqual(capacity.seatsyncConnections)
    })
  )

  it.scoped("Database.layer opens at most SEATSYNC_DB_POOL_SIZE connections", () =>
    Effect.gen(function* () {
      const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
      const before = (yield* ServerCapacity.read).seatsyncConnections
      const context = yield* Layer.build(Database.layer).pipe(
        withEnv([
          ["DATABASE_URL", Redacted.value(cluster.url)],
          ["SEATSYNC_DB_POOL_SIZE", "3"]
        ])
      )
      const pool = yield* Effect.provide(PgPool.PgPool, context)
      expect(PgPool.maxConnections(pool)).toBe(3)
      const client = yield* Effect.provide(PgClient.PgClient, context)
      // Twelve statements at once each hold a connection for a moment: never more than three of them.
      yield* Effect.forEach(Array.from({ length: 12 }), () => client`SELECT pg_sleep(0.05)`, {
        concurrency: "unbounded",
        discard: true
      })
      const after = (yield* ServerCapacity.read).seatsyncConnections
      expect(after - before).toBeLessThanOrEqual(3)
      expect(pool.totalCount).toBe(3)
    })
  )
})

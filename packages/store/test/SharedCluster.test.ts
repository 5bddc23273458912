import { chmod, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { Database, EmbeddedPostgres } from "../src/index.js"

const dataDir = Effect.acquireRelease(
  Effect.promise(async () => {
    const parent = await mkdtemp(path.join(tmpdir(), "seatsync-shared-"))
    await chmod(parent, 0o755)
    return path.join(parent, "postgres")
  }),
  (dir) => Effect.promise(() => rm(path.dirname(dir), { recursive: true, force: true }))
)

describe("Database.layer with the embedded cluster already running", () => {
  it.scoped(
    "joins the running cluster instead of failing with DatabaseInUse",
    () =>
      Effect.gen(function* () {
        const dir = yield* dataDir
        const owner = yield* Layer.build(Database.layerEmbedded({ mode: "persistent", dataDir: dir }))
        const ownerCluster = yield* EmbeddedPostgres.EmbeddedPostgres.pipe(Effect.provide(owner))
        const seenPort = yield* Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const rows = yield* sql<{ port: number }>`SELECT current_setting('port')::int AS port`
          return rows[0]?.port
        }).pipe(
          Effect.provide(Database.layer),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["SEATSYNC_DATA_DIR", dir]])))
        )
        expect(seenPort).toBe(ownerCluster.port)
      }),
    120_000
  )
})

import * as net from "node:net"
import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import * as Database from "../src/Database.js"
import * as EmbeddedPostgres from "../src/EmbeddedPostgres.js"
import * as Migrations from "../src/Migrations.js"

const withEnv = (env: Record<string, string>) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

/** A port nothing listens on: bound, then released. */
const closedPort = Effect.async<number>((resume) => {
  const server = net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 1
    server.close(() => resume(Effect.succeed(port)))
  })
})

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("Database", (it) => {
  it.effect("applies every migration before the layer is ready", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      expect(yield* sql`SELECT migration_id, name FROM seatsync.schema_migrations ORDER BY 1`).toEqual([
        { migration_id: 1, name: "initial" },
        { migration_id: 2, name: "org_model" },
        { migration_id: 3, name: "operations" },
        { migration_id: 4, name: "key_expiry" },
        { migration_id: 5, name: "reconciliation" },
        { migration_id: 6, name: "spend" },
        { migration_id: 7, name: "seat_verdict_exact_days" },
        { migration_id: 8, name: "reclaim_reasons" },
        { migration_id: 9, name: "seat_removal" },
        { migration_id: 10, name: "guard_seats" }
      ])
      const tables = yield* sql<{ readonly name: string; readonly persistence: string }>`
        SELECT c.relname AS name, c.relpersistence AS persistence
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'seatsync' AND c.relkind = 'r' ORDER BY 1`
      expect(tables).toEqual([
        { name: "change_log", persistence: "p" },
        { name: "connection", persistence: "p" },
        { name: "group_membership", persistence: "p" },
        { name: "group_membership_stage", persistence: "u" },
        { name: "guard_seat_count", persistence: "p" },
        { name: "org_group", persistence: "p" },
        { name: "org_group_stage", persistence: "u" },
        { name: "org_user", persistence: "p" },
        { name: "org_user_stage", persistence: "u" },
        { name: "product", persistence: "p" },
        { name: "product_activity", persistence: "p" },
        { name: "product_activity_stage", persistence: "u" },
        { name: "product_price", persistence: "p" },
        { name: "product_role", persistence: "p" },
        { name: "product_role_stage", persistence: "u" },
        { name: "product_stage", persistence: "u" },
        { name: "protected_subject", persistence: "p" },
        { name: "quarantine", persistence: "p" },
        { name: "schema_migrations", persistence: "p" },
        { name: "seat_ledger", persistence: "p" },
        { name: "sync_checkpoint", persistence: "p" },
        { name: "sync_run", persistence: "p" }
      ])
      const views = yield* sql<{ readonly name: string }>`
        SELECT table_name AS name FROM information_schema.views WHERE table_schema = 'seatsync' ORDER BY 1`
      expect(views.map((v) => v.name)).toEqual([
        "v_connection_health",
        "v_product_seat",
        "v_reclaim_candidates",
        "v_reclaim_reasons",
        "v_run_health",
        "v_seat_removal",
        "v_seat_utilisation"
      ])
    })
  )

  it.effect("running the migrations again applies nothing", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      expect(yield* Migrations.run).toEqual([])
      expect(
        yield* Effect.all([Migrations.run, Migrations.run, Migrations.run], { concurrency: "unbounded" })
      ).toEqual([[], [], []])
      expect(yield* sql`SELECT count(*)::int AS n FROM seatsync.schema_migrations`).toEqual([
        { n: Object.keys(Migrations.migrations).length }
      ])
      expect(yield* Migrations.status).toEqual({
        applied: Object.keys(Migrations.migrations),
        pending: [],
        unknown: []
      })
    })
  )

  it.effect("Database.layer uses DATABASE_URL when it is set", () =>
    Effect.gen(function* () {
      const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
      const layer = Database.layer.pipe(Layer.provide(withEnv({ DATABASE_URL: Redacted.value(cluster.url) })))
      const [row] = yield* Effect.provide(
        Effect.flatMap(
          SqlClient.SqlClient,
          (sql) => sql<{ readonly port: string; readonly app: string }>`
          SELECT current_setting('port') AS port, current_setting('application_name') AS app`
        ),
        layer
      )
      expect(row).toEqual({ port: String(cluster.port), app: "seatsync" })
    })
  )

  it.effect("a refused connection is DatabaseUnavailable naming host:port but not the password", () =>
    Effect.gen(function* () {
      const port = yield* closedPort
      const url = Redacted.make(`postgres://seatsync:Sup3r-S3cret-pw@127.0.0.1:${port}/seatsync`)
      const error = yield* Effect.flip(Layer.build(Database.layerUrl(url)).pipe(Effect.scoped))
      expect(error._tag).toBe("DatabaseUnavailable")
      expect(error.message).toContain(`127.0.0.1:${port}`)
      expect(error.message).toContain("ECONNREFUSED")
      expect(error.message).not.toContain("Sup3r-S3cret-pw")
      expect(JSON.stringify(error)).not.toContain("Sup3r-S3cret-pw")
    })
  )

  it.effect("hiding a short password never mangles the host name in the message", () =>
    Effect.gen(function* () {
      // "e" occurs in the host name: the name stays whole, the password is still never shown elsewhere.
      const url = Redacted.make("postgres://seatsync:e@db.example.invalid:5432/seatsync")
      const error = yield* Effect.flip(Layer.build(Database.layerUrl(url)).pipe(Effect.scoped))
      expect(error._tag).toBe("DatabaseUnavailable")
      expect(error.message).toContain("db.example.invalid:5432")
      expect(error.message).toMatch(/cannot connect: .*db\.example\.invalid/)
      expect(error.message).not.toContain("***")
    })
  )

  it.effect("a wrong password is DatabaseUnavailable without the password", () =>
    Effect.gen(function* () {
      const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
      const url = Redacted.make(`postgres://postgres:Wr0ng-pw-123@127.0.0.1:${cluster.port}/postgres`)
      const error = yield* Effect.flip(
        Layer.build(Database.layer.pipe(Layer.provide(withEnv({ DATABASE_URL: Redacted.value(url) })))).pipe(
          Effect.scoped
        )
      )
      expect(error._tag).toBe("DatabaseUnavailable")
      expect(error.message).toContain("password authentication failed")
      expect(error.message).not.toContain("Wr0ng-pw-123")
    })
  )

  it.effect("an unparseable DATABASE_URL is DatabaseUnavailable", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Layer.build(Database.layerUrl(Redacted.make("not a url"))).pipe(Effect.scoped)
      )
      expect(error._tag).toBe("DatabaseUnavailable")
    })
  )
})

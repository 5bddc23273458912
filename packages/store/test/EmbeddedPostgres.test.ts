import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { SqlClient } from "@effect/sql"
import { afterAll, describe, expect, it } from "@effect/vitest"
import {
  ConfigProvider,
  Context,
  Deferred,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Redacted,
  Scope
} from "effect"
import * as Database from "../src/Database.js"
import * as EmbeddedPostgres from "../src/EmbeddedPostgres.js"
import * as Migrations from "../src/Migrations.js"
import { childrenOf, isAlive, orphanedPostmasters } from "./processes.js"

/** Builds `layer` in a scope of its own, so the test decides when it is released. */
const buildScoped = <A, E>(layer: Layer.Layer<A, E>) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(layer, scope).pipe(
      Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
    )
    return { context, close: Scope.close(scope, Exit.void) }
  })

/** A fresh parent directory the `postgres` OS user can traverse (mkdtemp makes it 0700). */
const parents: Array<string> = []
const temporaryParent = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seatsync-store-test-"))
  fs.chmodSync(dir, 0o755)
  parents.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of parents) fs.rmSync(dir, { recursive: true, force: true })
})

describe("EmbeddedPostgres", () => {
  it.live(
    "throwaway: serves queries, and once the scope closes its processes are gone and its directory removed",
    () =>
      Effect.gen(function* () {
        const { context, close } = yield* buildScoped(Database.layerThrowaway)
        const cluster = Context.get(context, EmbeddedPostgres.EmbeddedPostgres)
        const sql = Context.get(context, SqlClient.SqlClient)
        const [row] = yield* sql<{ readonly answer: number }>`SELECT 6 * 7 AS answer`
        expect(row?.answer).toBe(42)
        expect(cluster.host).toBe("127.0.0.1")
        expect(cluster.dataDir.startsWith(os.tmpdir())).toBe(true)
        expect(isAlive(cluster.pid)).toBe(true)
        const children = childrenOf(cluster.pid)
        expect(children.length).toBeGreaterThan(0)

        yield* close
        expect(isAlive(cluster.pid)).toBe(false)
        expect(children.filter(isAlive)).toEqual([])
        expect(fs.existsSync(path.dirname(cluster.dataDir))).toBe(false)
      })
  )

  it.live("listens on 127.0.0.1 only and creates no Unix socket", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const cluster = yield* EmbeddedPostgres.make({ mode: "throwaway" })
        const { context } = yield* Effect.acquireRelease(
          buildScoped(Database.layerUrl(cluster.url)),
          (built) => built.close
        )
        const sql = Context.get(context, SqlClient.SqlClient)
        const [settings] = yield* sql<{ readonly listen: string; readonly sockets: string }>`
          SELECT current_setting('listen_addresses') AS listen,
                 current_setting('unix_socket_directories') AS sockets`
        expect(settings).toEqual({ listen: "127.0.0.1", sockets: "" })
      })
    )
  )

  it.live("interrupting the fiber that owns a running cluster stops it", () =>
    Effect.gen(function* () {
      const started = yield* Deferred.make<EmbeddedPostgres.EmbeddedCluster>()
      const fiber = yield* Effect.fork(
        Effect.scoped(
          Effect.flatMap(EmbeddedPostgres.make({ mode: "throwaway" }), (cluster) =>
            Effect.zipRight(Deferred.succeed(started, cluster), Effect.never)
          )
        )
      )
      const cluster = yield* Deferred.await(started)
      expect(isAlive(cluster.pid)).toBe(true)
      yield* Fiber.interrupt(fiber)
      expect(isAlive(cluster.pid)).toBe(false)
      expect(fs.existsSync(path.dirname(cluster.dataDir))).toBe(false)
    })
  )

  for (const after of [Duration.millis(100), Duration.millis(600), Duration.millis(1500)]) {
    it.live(`interrupting start-up after ${Duration.format(after)} leaves no postgres behind`, () =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          Effect.scoped(Effect.zipRight(EmbeddedPostgres.make({ mode: "throwaway" }), Effect.never))
        )
        yield* Effect.sleep(after)
        yield* Fiber.interrupt(fiber)
        expect(orphanedPostmasters()).toEqual([])
      })
    )
  }

  describe("persistent", () => {
    it.live("initialises once, keeps data across starts and reuses its password", () =>
      Effect.gen(function* () {
        const dataDir = path.join(temporaryParent(), "postgres")
        const layer = Database.layerEmbedded({ mode: "persistent", dataDir })

        const first = yield* buildScoped(layer)
        const firstCluster = Context.get(first.context, EmbeddedPostgres.EmbeddedPostgres)
        const firstSql = Context.get(first.context, SqlClient.SqlClient)
        yield* firstSql`CREATE TABLE kept (value text)`
        yield* firstSql`INSERT INTO kept VALUES ('survives a restart')`
        expect(fs.existsSync(path.join(dataDir, "seatsync.owner"))).toBe(true)
        yield* first.close
        expect(isAlive(firstCluster.pid)).toBe(false)
        expect(fs.existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true)
        expect(fs.existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false)
        expect(fs.existsSync(path.join(dataDir, "seatsync.owner"))).toBe(false)
        const passwordFile = EmbeddedPostgres.passwordFile(dataDir)
        expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600)
        expect(fs.readFileSync(passwordFile, "utf8").trim()).toBe(Redacted.value(firstCluster.password))

        const second = yield* buildScoped(layer)
        const secondCluster = Context.get(second.context, EmbeddedPostgres.EmbeddedPostgres)
        const secondSql = Context.get(second.context, SqlClient.SqlClient)
        expect(yield* secondSql`SELECT value FROM kept`).toEqual([{ value: "survives a restart" }])
        expect(yield* secondSql`SELECT migration_id FROM seatsync.schema_migrations ORDER BY 1`).toEqual(
          Object.keys(Migrations.migrations).map((_, i) => ({ migration_id: i + 1 }))
        )
        expect(Redacted.value(secondCluster.password)).toBe(Redacted.value(firstCluster.password))
        yield* second.close
      })
    )

    it.live("refuses a cluster another process is running, with DatabaseInUse", () =>
      Effect.gen(function* () {
        const dataDir = path.join(temporaryParent(), "postgres")
        const running = yield* buildScoped(EmbeddedPostgres.layer({ mode: "persistent", dataDir }))
        const cluster = Context.get(running.context, EmbeddedPostgres.EmbeddedPostgres)
        const error = yield* Effect.flip(
          Effect.scoped(EmbeddedPostgres.make({ mode: "persistent", dataDir }))
        )
        expect(error._tag).toBe("DatabaseInUse")
        if (error._tag === "DatabaseInUse") {
          expect(error.pid).toBe(cluster.pid)
          expect(error.port).toBe(cluster.port)
          expect(error.message).toContain(dataDir)
        }
        // The running cluster is untouched.
        expect(isAlive(cluster.pid)).toBe(true)
        const url = yield* EmbeddedPostgres.connectionUrl(dataDir)
        expect(Redacted.value(url)).toBe(Redacted.value(cluster.url))
        yield* running.close
      })
    )

    it.live("starts despite a stale postmaster.pid left by a killed process", () =>
      Effect.gen(function* () {
        const dataDir = path.join(temporaryParent(), "postgres")
        yield* Effect.scoped(EmbeddedPostgres.make({ mode: "persistent", dataDir }))
        for (const stalePid of [2_147_483_000, process.pid]) {
          // A pid that does not exist, then one that exists but is not PostgreSQL (reused after a reboot).
          fs.writeFileSync(
            path.join(dataDir, "postmaster.pid"),
            `${stalePid}\n${dataDir}\n1700000000\n5432\n\n127.0.0.1\n0 0\nready\n`
          )
          const cluster = yield* Effect.scoped(EmbeddedPostgres.make({ mode: "persistent", dataDir }))
          expect(isAlive(cluster.pid)).toBe(false)
        }
      })
    )

    it.live("shuts down an orphaned postgres whose seatsync process was killed, then starts", () =>
      Effect.gen(function* () {
        const dataDir = path.join(temporaryParent(), "postgres")
        const orphaned = yield* buildScoped(EmbeddedPostgres.layer({ mode: "persistent", dataDir }))
        const orphan = Context.get(orphaned.context, EmbeddedPostgres.EmbeddedPostgres)
        // Pretend the process that started it died without cleaning up.
        fs.writeFileSync(
          path.join(dataDir, "seatsync.owner"),
          JSON.stringify({ pid: 2_147_483_000, startTime: null })
        )
        const adopted = yield* buildScoped(Database.layerEmbedded({ mode: "persistent", dataDir }))
        expect(isAlive(orphan.pid)).toBe(false)
        const sql = Context.get(adopted.context, SqlClient.SqlClient)
        expect(yield* sql`SELECT 1 AS ok`).toEqual([{ ok: 1 }])
        yield* adopted.close
        yield* orphaned.close
      })
    )

    it.live("fails clearly when the directory is not a PostgreSQL data directory", () =>
      Effect.gen(function* () {
        const dataDir = path.join(temporaryParent(), "postgres")
        fs.mkdirSync(dataDir)
        fs.writeFileSync(path.join(dataDir, "something-else.txt"), "not a cluster")
        const error = yield* Effect.flip(
          Effect.scoped(EmbeddedPostgres.make({ mode: "persistent", dataDir }))
        )
        expect(error._tag).toBe("DatabaseUnavailable")
        expect(error.message).toContain("not a PostgreSQL data directory")
      })
    )
  })

  describe("defaultDataDir", () => {
    const withEnv = (env: Record<string, string>) =>
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

    it.effect("is SEATSYNC_DATA_DIR when set", () =>
      Effect.gen(function* () {
        expect(
          yield* withEnv({ SEATSYNC_DATA_DIR: "/srv/seatsync/db" })(EmbeddedPostgres.defaultDataDir)
        ).toBe("/srv/seatsync/db")
      })
    )

    it.effect("is /var/lib/seatsync/postgres for root, else under XDG_DATA_HOME or ~/.local/share", () =>
      Effect.gen(function* () {
        const dir = yield* withEnv({ XDG_DATA_HOME: "/home/dev/.data" })(EmbeddedPostgres.defaultDataDir)
        expect(dir).toBe(
          process.getuid?.() === 0 ? "/var/lib/seatsync/postgres" : "/home/dev/.data/seatsync/postgres"
        )
      })
    )
  })
})

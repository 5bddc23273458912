/**
 * The database layer: a `PgClient` (also provided as `SqlClient`) for `DATABASE_URL` or for an embedded
 * cluster, with the store's migrations applied before the layer is ready. The application's layer sizes its
 * pool from `SEATSYNC_DB_POOL_SIZE` (`PoolSize`).
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import { Migrator, SqlClient, type SqlError } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Config, type ConfigError, Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import * as EmbeddedPostgres from "./EmbeddedPostgres.js"
import { type DatabaseInUse, DatabaseUnavailable } from "./Errors.js"
import { withLiveClock } from "./internal/liveClock.js"
import * as Migrations from "./Migrations.js"
import * as PgPool from "./PgPool.js"
import * as PoolSize from "./PoolSize.js"

/** What the database layers provide. */
export type Client = PgClient.PgClient | SqlClient.SqlClient | PgPool.PgPool

/** How the layers open their pool. */
export interface PoolOptions {
  /** Most connections the pool opens at once; node-postgres' default (10) when absent. */
  readonly poolSize?: number | undefined
}

const CONNECT_TIMEOUT = Duration.seconds(10)
const APPLICATION_NAME = "seatsync"

/** `DATABASE_URL`, when set and not blank. */
export const databaseUrl: Config.Config<Option.Option<Redacted.Redacted<string>>> = Config.option(
  Config.redacted("DATABASE_URL")
).pipe(Config.map(Option.filter((url) => Redacted.value(url).trim() !== "")))

/** `host:port` of a connection URL, for messages; never its credentials. */
const describeUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    const socketHost = parsed.searchParams.get("host")
    return `${parsed.hostname || socketHost || "localhost"}:${parsed.port || "5432"}`
  } catch {
    return "the server in DATABASE_URL (not a valid postgres:// URL)"
  }
}

const passwordOfUrl = (url: string): string | undefined => {
  try {
    const password = decodeURIComponent(new URL(url).password)
    return password === "" ? undefined : password
  } catch {
    return undefined
  }
}

/** node-postgres errors: `ECONNREFUSED` arrives as an `AggregateError` with an empty message. */
const describeCause = (cause: unknown): string => {
  if (cause instanceof AggregateError && cause.message === "") {
    return cause.errors.map(describeCause).join("; ")
  }
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code
    return cause.message !== "" ? cause.message : (code ?? cause.name)
  }
  return String(cause)
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * Hides the password in a driver's message wherever it stands as a token of its own (as in
 * `user:password@host`), but never inside a longer word or the server's own name (`host:port` and the host):
 * a short password such as "e" would otherwise turn "cannot connect to db.example.invalid" into
 * "cann***ct to db.***xampl***.invalid", and a name printed whole reveals nothing the target does not
 * already show.
 */
const scrub = (text: string, secret: string | undefined, target: string) => {
  if (secret === undefined || secret === "") return text
  const names = [target, target.replace(/:\d+$/, "")].filter((name) => name !== "")
  const token = new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(secret)}(?![A-Za-z0-9])`, "g")
  // With a capturing group, split keeps the names at the odd positions.
  return text
    .split(new RegExp(`(${names.map(escapeRegExp).join("|")})`))
    .map((piece, index) => (index % 2 === 1 ? piece : piece.replace(token, "***")))
    .join("")
}

const unavailable = (target: string, cause: unknown, secret: string | undefined, remedy: string) =>
  new DatabaseUnavailable({
    target,
    reason: scrub(
      `cannot connect: ${describeCause(cause instanceof Error && "cause" in cause && cause.cause !== undefined ? cause.cause : cause)}`,
      secret,
      target
    ),
    remedy
  })

const connect = (
  config: Omit<PgPool.PoolConfig, "applicationName" | "connectTimeout">,
  target: string,
  secret: string | undefined,
  remedy: string
): Layer.Layer<Client, DatabaseUnavailable> =>
  Layer.scopedContext(
    withLiveClock(
      Effect.gen(function* () {
        // We own the pool (rather than PgClient.make) so that staging can COPY through it too.
        const pool = yield* PgPool.make({
          ...config,
          applicationName: APPLICATION_NAME,
          connectTimeout: CONNECT_TIMEOUT
        })
        const client = yield* PgClient.fromPool({
          acquire: Effect.succeed(pool),
          applicationName: APPLICATION_NAME
        })
        return { pool, client }
      })
    ).pipe(
      Effect.catchAllDefect((defect) => Effect.fail(defect)),
      Effect.mapError((error) => unavailable(target, error, secret, remedy)),
      Effect.map(({ pool, client }) =>
        Context.make(PgClient.PgClient, client).pipe(
          Context.add(SqlClient.SqlClient, client),
          Context.add(PgPool.PgPool, pool)
        )
      )
    )
  ).pipe(Layer.provide(Reactivity.layer))

/** Runs the migrations once the client is up; the layer is ready only after they succeeded. */
const migrated = <E, R>(
  client: Layer.Layer<Client, E, R>
): Layer.Layer<Client, E | Migrator.MigrationError, R> =>
  Layer.effectDiscard(
    Migrations.run.pipe(
      Effect.catchTag("SqlError", (error: SqlError.SqlError) =>
        Effect.fail(
          new Migrator.MigrationError({
            reason: "failed",
            message: `Could not apply the database migrations: ${describeCause(error.cause)}`,
            cause: error
          })
        )
      )
    )
  ).pipe(Layer.provideMerge(client))

/** A client for an existing PostgreSQL server, migrated. */
export const layerUrl = (
  url: Redacted.Redacted<string>,
  options: PoolOptions = {}
): Layer.Layer<Client, DatabaseUnavailable | Migrator.MigrationError> => {
  const raw = Redacted.value(url)
  return migrated(
    connect(
      { url, maxConnections: options.poolSize },
      describeUrl(raw),
      passwordOfUrl(raw),
      "Check DATABASE_URL (host, port, database, user and password) and that the server is running and reachable, " +
        "or unset DATABASE_URL to use seatsync's embedded PostgreSQL"
    )
  )
}

const clientForClusterWith = (
  options: PoolOptions
): Layer.Layer<Client, DatabaseUnavailable, EmbeddedPostgres.EmbeddedPostgres> =>
  Layer.unwrapEffect(
    Effect.map(EmbeddedPostgres.EmbeddedPostgres, (cluster) =>
      connect(
        {
          maxConnections: options.poolSize,
          host: cluster.host,
          port: cluster.port,
          database: cluster.database,
          username: cluster.user,
          password: cluster.password
        },
        `${cluster.host}:${cluster.port}`,
        Redacted.value(cluster.password),
        "The embedded PostgreSQL started but refused connections; run with debug logging to see its output"
      )
    )
  )

const clientForCluster = clientForClusterWith({})

/** An embedded cluster (see `EmbeddedPostgres.Options`) with a migrated client; exposes the cluster too. */
export const layerEmbedded = (
  options: EmbeddedPostgres.Options
): Layer.Layer<
  Client | EmbeddedPostgres.EmbeddedPostgres,
  DatabaseUnavailable | DatabaseInUse | Migrator.MigrationError
> => migrated(clientForCluster).pipe(Layer.provideMerge(EmbeddedPostgres.layer(options)))

/** A fresh throwaway cluster, migrated, deleted when the layer is released: for tests (one per `it.layer`). */
export const layerThrowaway: Layer.Layer<
  Client | EmbeddedPostgres.EmbeddedPostgres,
  DatabaseUnavailable | Migrator.MigrationError
> = migrated(clientForCluster).pipe(Layer.provideMerge(EmbeddedPostgres.layerThrowaway))

/** The persistent embedded cluster in `EmbeddedPostgres.defaultDataDir`, migrated, with a pool of `options`. */
export const layerPersistentWith = (
  options: PoolOptions
): Layer.Layer<
  Client | EmbeddedPostgres.EmbeddedPostgres,
  DatabaseUnavailable | DatabaseInUse | Migrator.MigrationError | ConfigError.ConfigError
> => migrated(clientForClusterWith(options)).pipe(Layer.provideMerge(EmbeddedPostgres.layerPersistent))

/** The persistent embedded cluster in `EmbeddedPostgres.defaultDataDir`, migrated. */
export const layerPersistent: Layer.Layer<
  Client | EmbeddedPostgres.EmbeddedPostgres,
  DatabaseUnavailable | DatabaseInUse | Migrator.MigrationError | ConfigError.ConfigError
> = layerPersistentWith({})

/**
 * The persistent embedded cluster — or, when another seatsync process (say `seatsync db start` or the
 * worker) already runs it, a client of that running cluster, so several commands can share it.
 */
export const layerPersistentSharedWith = (
  options: PoolOptions
): Layer.Layer<
  Client,
  DatabaseUnavailable | DatabaseInUse | Migrator.MigrationError | ConfigError.ConfigError
> =>
  Layer.catchAll(
    layerPersistentWith(options),
    (
      error
    ): Layer.Layer<
      Client,
      DatabaseUnavailable | DatabaseInUse | Migrator.MigrationError | ConfigError.ConfigError
    > =>
      error._tag === "DatabaseInUse"
        ? Layer.unwrapEffect(
            Effect.map(EmbeddedPostgres.connectionUrl(error.dataDir), (url) => layerUrl(url, options))
          )
        : Layer.fail(error)
  )

/** `layerPersistentSharedWith` node-postgres' default pool. */
export const layerPersistentShared: Layer.Layer<
  Client,
  DatabaseUnavailable | DatabaseInUse | Migrator.MigrationError | ConfigError.ConfigError
> = layerPersistentSharedWith({})

/**
 * The application's database: `DATABASE_URL` when set, otherwise the persistent embedded cluster
 * (`SEATSYNC_DATA_DIR`), started here or joined when another seatsync process runs it; migrated before it
 * is ready. Its pool opens at most `SEATSYNC_DB_POOL_SIZE` connections (default 10).
 */
export const layer: Layer.Layer<
  Client,
  DatabaseUnavailable | DatabaseInUse | Migrator.MigrationError | ConfigError.ConfigError
> = Layer.unwrapEffect(
  Effect.map(Effect.all([databaseUrl, PoolSize.config]), ([url, poolSize]) =>
    Option.match(url, {
      onSome: (
        found
      ): Layer.Layer<
        Client,
        DatabaseUnavailable | DatabaseInUse | Migrator.MigrationError | ConfigError.ConfigError
      > => layerUrl(found, { poolSize }),
      onNone: () => layerPersistentSharedWith({ poolSize })
    })
  )
)

/**
 * The node-postgres pool behind the database layer's `PgClient`, exposed so that staging can stream rows with
 * `COPY … FROM STDIN` (which `@effect/sql` cannot express) on the same pool and credentials.
 */
import { SqlError } from "@effect/sql/SqlError"
import { Context, Duration, Effect, Redacted, type Scope } from "effect"
import Pg from "pg"

export class PgPool extends Context.Tag("@seatsync/store/PgPool")<PgPool, Pg.Pool>() {}

/** What opening a pool needs: the subset of `PgClient.PgClientConfig` seatsync uses. */
export interface PoolConfig {
  readonly url?: Redacted.Redacted<string> | undefined
  readonly host?: string | undefined
  readonly port?: number | undefined
  readonly database?: string | undefined
  readonly username?: string | undefined
  readonly password?: Redacted.Redacted<string> | undefined
  readonly applicationName: string
  readonly connectTimeout: Duration.Duration
  /** Most connections the pool opens at once (`SEATSYNC_DB_POOL_SIZE`, see `PoolSize`); node-postgres' 10 if unset. */
  readonly maxConnections?: number | undefined
}

/** How many connections a pool opens at most (node-postgres' `max`, 10 unless the pool was given another). */
export const maxConnections = (pool: Pg.Pool): number => pool.options.max ?? 10

/**
 * Opens a pool and proves it reaches the server (`SELECT 1`), as `PgClient.make` does; ends it when the scope
 * closes.
 */
export const make = (config: PoolConfig): Effect.Effect<Pg.Pool, SqlError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const pool = new Pg.Pool({
          ...(config.url === undefined ? {} : { connectionString: Redacted.value(config.url) }),
          ...(config.host === undefined ? {} : { host: config.host }),
          ...(config.port === undefined ? {} : { port: config.port }),
          ...(config.database === undefined ? {} : { database: config.database }),
          ...(config.username === undefined ? {} : { user: config.username }),
          ...(config.password === undefined ? {} : { password: Redacted.value(config.password) }),
          application_name: config.applicationName,
          connectionTimeoutMillis: Duration.toMillis(config.connectTimeout),
          ...(config.maxConnections === undefined ? {} : { max: config.maxConnections })
        })
        // Idle clients that lose their connection emit "error" on the pool; the next checkout reconnects.
        pool.on("error", () => {})
        try {
          await pool.query("SELECT 1")
        } catch (cause) {
          await pool.end().catch(() => undefined)
          throw cause
        }
        return pool
      },
      catch: (cause) => new SqlError({ cause, message: "PgClient: Failed to connect" })
    }),
    (pool) => Effect.promise(() => pool.end()).pipe(Effect.interruptible, Effect.timeoutOption(1000))
  )

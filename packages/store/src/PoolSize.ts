/**
 * How many PostgreSQL connections one process's pool may open: `SEATSYNC_DB_POOL_SIZE`, read once here for
 * every database layer of the application (`Database.layer`). The default is node-postgres' own, 10.
 */
import { Config } from "effect"

/** node-postgres' default pool size, and ours when `SEATSYNC_DB_POOL_SIZE` is not set. */
export const defaultPoolSize = 10

/** Largest pool size accepted (PostgreSQL's own default `max_connections` is 100). */
export const maxPoolSize = 1000

/** `SEATSYNC_DB_POOL_SIZE`: a whole number from 2 to 1000, default 10. */
export const config: Config.Config<number> = Config.integer("SEATSYNC_DB_POOL_SIZE").pipe(
  Config.withDefault(defaultPoolSize),
  Config.validate({
    message: `SEATSYNC_DB_POOL_SIZE must be a whole number from 2 to ${maxPoolSize} (connections per process)`,
    validation: (n) => n >= 2 && n <= maxPoolSize
  })
)

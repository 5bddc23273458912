/**
 * How many connections the PostgreSQL server accepts and how many are open now: `max_connections`, the
 * slots reserved for superusers, and `pg_stat_activity` counted in all and for seatsync's own processes
 * (`application_name = 'seatsync'`). The worker checks its pool against it at start-up; the fleet benchmark
 * samples it.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"

export const ServerCapacity = Schema.Struct({
  /** The server's `max_connections`. */
  maxConnections: Schema.Int,
  /** `superuser_reserved_connections` plus `reserved_connections` (PostgreSQL 16+): not for ordinary roles. */
  reservedConnections: Schema.Int,
  /** Client connections open now, of any application. */
  connectionsInUse: Schema.Int,
  /** Of those, connections of seatsync processes (any replica, the CLI). */
  seatsyncConnections: Schema.Int
})
export type ServerCapacity = typeof ServerCapacity.Type

/** Connections an ordinary role may open in all: `max_connections` less the reserved ones. */
export const available = (capacity: ServerCapacity): number =>
  capacity.maxConnections - capacity.reservedConnections

/** The server's connection limits and current use, in one statement. */
export const read: Effect.Effect<
  ServerCapacity,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql`
      SELECT current_setting('max_connections')::int AS "maxConnections",
             (current_setting('superuser_reserved_connections')::int
               + coalesce(current_setting('reserved_connections', true), '0')::int) AS "reservedConnections",
             (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS "connectionsInUse",
             (SELECT count(*)::int FROM pg_stat_activity
                WHERE backend_type = 'client backend' AND application_name = 'seatsync') AS "seatsyncConnections"`
).pipe(
  Effect.flatMap((rows) => Schema.decodeUnknown(ServerCapacity)(rows[0])),
  Effect.withSpan("ServerCapacity.read")
)

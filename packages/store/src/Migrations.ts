/**
 * The store's schema migrations and how they are applied: in order, once, under an advisory lock so that
 * concurrent processes (CLI, workers) starting together do not race.
 */
import { Migrator, SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"
import initial from "./migrations/0001_initial.js"
import orgModel from "./migrations/0002_org_model.js"
import operations from "./migrations/0003_operations.js"
import keyExpiry from "./migrations/0004_key_expiry.js"
import reconciliation from "./migrations/0005_reconciliation.js"
import spend from "./migrations/0006_spend.js"
import seatVerdictExactDays from "./migrations/0007_seat_verdict_exact_days.js"
import reclaimReasons from "./migrations/0008_reclaim_reasons.js"
import seatRemoval from "./migrations/0009_seat_removal.js"
import guardSeats from "./migrations/0010_guard_seats.js"

/** Every migration, keyed `<id>_<name>`. */
export const migrations = {
  "0001_initial": initial,
  "0002_org_model": orgModel,
  "0003_operations": operations,
  "0004_key_expiry": keyExpiry,
  "0005_reconciliation": reconciliation,
  "0006_spend": spend,
  "0007_seat_verdict_exact_days": seatVerdictExactDays,
  "0008_reclaim_reasons": reclaimReasons,
  "0009_seat_removal": seatRemoval,
  "0010_guard_seats": guardSeats
} as const

/** Where applied migrations are recorded. */
export const table = "seatsync.schema_migrations"

/** An arbitrary constant shared by every seatsync process: the advisory lock key for migrating. */
const MIGRATION_LOCK_KEY = 0x5ea7_5c01

// `PgMigrator.run` is this same migrator plus a `pg_dump` schema dumper that requires FileSystem, Path and
// CommandExecutor services; we never dump, so the plain migrator keeps the layer's requirements to SqlClient.
const migrate = Migrator.make({})

/**
 * Applies pending migrations; returns those applied (`[id, name]`). A failing migration is a
 * `MigrationError` (the underlying migrator reports it as a defect; we turn it back into a failure).
 */
export const run: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  Migrator.MigrationError | SqlError.SqlError,
  SqlClient.SqlClient
> = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  // A session-level lock on a connection of its own, held while the migrator works on others.
  const lock = yield* sql.reserve
  yield* Effect.acquireRelease(lock.executeRaw("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]), () =>
    lock.executeRaw("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).pipe(Effect.ignore)
  )
  yield* sql`CREATE SCHEMA IF NOT EXISTS seatsync`
  return yield* migrate({ loader: Migrator.fromRecord(migrations), table })
}).pipe(
  Effect.scoped,
  Effect.catchAllDefect((defect) =>
    defect instanceof Migrator.MigrationError ? Effect.fail(defect) : Effect.die(defect)
  ),
  Effect.withSpan("Migrations.run")
)

/** Which of this build's migrations the database has applied, and which it has not (yet). */
export interface MigrationStatus {
  readonly applied: ReadonlyArray<string>
  readonly pending: ReadonlyArray<string>
  /** Applied ids this build does not know: the database was migrated by a newer seatsync. */
  readonly unknown: ReadonlyArray<string>
}

/**
 * Reads the migration table without changing anything: for `/readyz`, `doctor` and `db status`. A database
 * never migrated reports every migration pending.
 */
export const status: Effect.Effect<MigrationStatus, SqlError.SqlError, SqlClient.SqlClient> = Effect.gen(
  function* () {
    const sql = yield* SqlClient.SqlClient
    const exists = yield* sql<{ readonly present: boolean }>`
      SELECT to_regclass(${table}) IS NOT NULL AS present`
    const rows = exists[0]?.present
      ? yield* sql<{ readonly id: number; readonly name: string }>`
          SELECT migration_id AS id, name FROM ${sql.literal(table)} ORDER BY migration_id`
      : []
    const known = Object.keys(migrations)
    const applied = rows.map((row) => `${String(row.id).padStart(4, "0")}_${row.name}`)
    return {
      applied,
      pending: known.filter((id) => !applied.includes(id)),
      unknown: applied.filter((id) => !known.includes(id))
    }
  }
).pipe(Effect.withSpan("Migrations.status"))

/** One row of the migration table: a migration the database has applied. */
export const AppliedMigration = Schema.Struct({
  id: Schema.Int,
  name: Schema.String
})
export type AppliedMigration = typeof AppliedMigration.Type

/**
 * The migrations the database has applied, oldest first: for `seatsync migrate`, after the database layer
 * (which migrates before it is ready) has created the table.
 */
export const applied: Effect.Effect<
  ReadonlyArray<AppliedMigration>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  SqlSchema.findAll({
    Request: Schema.Void,
    Result: AppliedMigration,
    execute: () => sql`SELECT migration_id AS id, name FROM ${sql(table)} ORDER BY migration_id`
  })(undefined)
).pipe(Effect.withSpan("Migrations.applied"))

/**
 * The store's schema migrations and how they are applied: in order, once, under an advisory lock so that
 * concurrent processes (CLI, workers) starting together do not race.
 */
import { Migrator, SqlClient, type SqlError } from "@effect/sql"
import { Effect } from "effect"
import initial from "./migrations/0001_initial.js"
import orgModel from "./migrations/0002_org_model.js"

/** Every migration, keyed `<id>_<name>`. */
export const migrations = {
  "0001_initial": initial,
  "0002_org_model": orgModel
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

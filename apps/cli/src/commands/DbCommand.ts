/**
 * `seatsync db start|status|url|stop` and `seatsync migrate`: the embedded PostgreSQL as an operator sees it.
 * `db start` keeps the cluster running in the foreground so that `psql "$(seatsync db url)"` and other
 * seatsync commands can use it; every other command joins it while it runs.
 */
import { Command } from "@effect/cli"
import { Database, EmbeddedPostgres, Migrations } from "@seatsync/store"
import { Console, Effect, Option, Redacted } from "effect"
import { withErrorReport } from "../ErrorReport.js"

/** Runs until Ctrl-C or `db stop` (exit 130), or until PostgreSQL dies under it (exit 8, saying how). */
const runUntilInterrupted = Effect.gen(function* () {
  const cluster = yield* EmbeddedPostgres.EmbeddedPostgres
  yield* Console.log(
    `Embedded PostgreSQL running in ${cluster.dataDir} on ${cluster.host}:${cluster.port} (migrated). ` +
      "`seatsync db url` prints a psql URL; Ctrl-C or `seatsync db stop` stops it."
  )
  return yield* Effect.flatMap(cluster.died, Effect.fail)
}).pipe(Effect.provide(Database.layerPersistent))

const start = Command.make("start", {}, () =>
  Effect.gen(function* () {
    const current = yield* EmbeddedPostgres.status(yield* EmbeddedPostgres.defaultDataDir)
    if (Option.isSome(current.port)) {
      yield* Console.log(
        `The embedded PostgreSQL in ${current.dataDir} is already running on 127.0.0.1:${current.port.value}.`
      )
      return
    }
    yield* runUntilInterrupted
  }).pipe(withErrorReport)
).pipe(
  Command.withDescription(
    "Start the embedded PostgreSQL and keep it running until Ctrl-C; other seatsync commands join it.\n\n" +
      "Examples:\n" +
      "  seatsync db start\n" +
      "  SEATSYNC_DATA_DIR=/srv/seatsync/postgres seatsync db start"
  )
)

const statusCommand = Command.make("status", {}, () =>
  Effect.gen(function* () {
    const current = yield* EmbeddedPostgres.status(yield* EmbeddedPostgres.defaultDataDir)
    const state = Option.match(current.port, {
      onNone: () =>
        current.initialised ? "stopped" : "not created yet (the first command that needs it creates it)",
      onSome: (port) =>
        `running on 127.0.0.1:${port}${Option.match(current.ownerPid, { onNone: () => "", onSome: (pid) => `, held by seatsync process ${pid}` })}`
    })
    yield* Console.log(`embedded PostgreSQL in ${current.dataDir}: ${state}`)
  }).pipe(withErrorReport)
).pipe(
  Command.withDescription(
    "Say whether the embedded PostgreSQL exists and runs, and which seatsync process holds it.\n\n" +
      "Examples:\n" +
      "  seatsync db status\n" +
      "  SEATSYNC_DATA_DIR=/srv/seatsync/postgres seatsync db status"
  )
)

const url = Command.make("url", {}, () =>
  Effect.gen(function* () {
    const connection = yield* EmbeddedPostgres.connectionUrl(yield* EmbeddedPostgres.defaultDataDir)
    yield* Console.log(Redacted.value(connection))
  }).pipe(withErrorReport)
).pipe(
  Command.withDescription(
    "Print a connection URL of the running embedded PostgreSQL (start it with seatsync db start).\n\n" +
      "Examples:\n" +
      '  psql "$(seatsync db url)"\n' +
      "  psql \"$(seatsync db url)\" -c 'SELECT * FROM seatsync.v_seat_utilisation'"
  )
)

const stop = Command.make("stop", {}, () =>
  Effect.gen(function* () {
    const current = yield* EmbeddedPostgres.status(yield* EmbeddedPostgres.defaultDataDir)
    if (Option.isNone(current.port)) {
      yield* Console.log(`The embedded PostgreSQL in ${current.dataDir} is not running.`)
      return
    }
    if (Option.isNone(current.ownerPid)) {
      yield* Console.log(
        "It is running but no seatsync process holds it; the next seatsync command will take it over."
      )
      return
    }
    // The holder shuts the cluster down cleanly on SIGTERM (its scope closes).
    process.kill(current.ownerPid.value, "SIGTERM")
    yield* Console.log(`Asked seatsync process ${current.ownerPid.value} to stop the embedded PostgreSQL.`)
  }).pipe(withErrorReport)
).pipe(
  Command.withDescription(
    "Stop the embedded PostgreSQL by asking the seatsync process that holds it to shut down.\n\n" +
      "Examples:\n" +
      "  seatsync db stop"
  )
)

export const dbCommand = Command.make("db").pipe(
  Command.withDescription(
    "Manage the embedded PostgreSQL used when DATABASE_URL is not set.\n\n" +
      "Examples:\n" +
      "  seatsync db start            (keeps running; Ctrl-C stops it)\n" +
      '  psql "$(seatsync db url)"    (in another terminal, while it runs)\n' +
      "  seatsync db status\n" +
      "  seatsync db stop"
  ),
  Command.withSubcommands([start, statusCommand, url, stop])
)

export const migrateCommand = Command.make("migrate", {}, () =>
  Effect.gen(function* () {
    // The database layers migrate before they are ready; this reports what is applied.
    const rows = yield* Migrations.applied
    yield* Console.log(`Database migrated: ${rows.map((row) => `${row.id}_${row.name}`).join(", ")}`)
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Apply the database migrations (every command also does so before it starts) and list those applied.\n\n" +
      "Examples:\n" +
      "  seatsync migrate\n" +
      "  DATABASE_URL=postgres://seatsync@db.internal:5432/seatsync seatsync migrate"
  )
)

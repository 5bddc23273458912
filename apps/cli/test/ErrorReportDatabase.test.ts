/**
 * A database lost at any point is exit 8 with the database's own message — also when the SQL client turns it
 * into a defect (a transaction whose connection died: its ROLLBACK or COMMIT fails, and @effect/sql's
 * `withTransaction` dies with that), which used to end as exit 1 "Unexpected failure: SqlError…".
 */
import { SqlClient, SqlError } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Database } from "@seatsync/store"
import { Cause, Effect, Exit } from "effect"
import { reportFor, withErrorReport } from "../src/ErrorReport.js"
import { ExitCode, ExitCodes } from "../src/ExitCode.js"

/** Runs `effect` through `withErrorReport`, capturing what it writes on stderr. */
const reported = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const written: Array<string> = []
    const write = process.stderr.write
    process.stderr.write = ((chunk: string) => {
      written.push(chunk)
      return true
    }) as typeof process.stderr.write
    const exit = yield* Effect.exit(withErrorReport(effect)).pipe(
      Effect.ensuring(
        Effect.sync(() => {
          process.stderr.write = write
        })
      )
    )
    return { exit, stderr: written.join("") }
  })

describe("database failures in the error report", () => {
  it("a SqlError is exit 8, with the database's message after the client's", () => {
    const error = new SqlError.SqlError({
      message: "Failed to execute statement",
      cause: new Error("Connection terminated unexpectedly")
    })
    expect(reportFor(error)).toEqual({
      sentence: "Database problem: Failed to execute statement (Connection terminated unexpectedly)",
      code: ExitCodes.databaseUnavailable
    })
  })

  it.effect("a SqlError as a defect (no failure in the cause) is exit 8, one sentence, no stack trace", () =>
    Effect.gen(function* () {
      const defect = new SqlError.SqlError({
        message: "Failed to commit",
        cause: new Error("Connection terminated")
      })
      const { exit, stderr } = yield* reported(Effect.die(defect))
      expect(exit).toEqual(Exit.fail(new ExitCode({ code: ExitCodes.databaseUnavailable })))
      expect(stderr).toBe("seatsync: Database problem: Failed to commit (Connection terminated)\n")
    })
  )

  it.effect("any other defect stays an unexpected failure (exit 1)", () =>
    Effect.gen(function* () {
      const { exit, stderr } = yield* reported(Effect.die(new Error("a bug")))
      expect(exit).toEqual(Exit.fail(new ExitCode({ code: ExitCodes.unexpected })))
      expect(stderr).toMatch(/^seatsync: Unexpected failure:/)
    })
  )

  it.effect(
    "a real transaction whose connection is terminated mid-way: the client dies with a SqlError; reported as exit 8",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE lost (n int)`
        const transaction = sql.withTransaction(
          Effect.gen(function* () {
            yield* sql`INSERT INTO lost VALUES (1)`
            // The server ends this very connection, as a killed PostgreSQL would.
            yield* sql`SELECT pg_terminate_backend(pg_backend_pid())`
          })
        )
        const raw = yield* Effect.exit(transaction)
        // The shape the CLI met: no failure, a SqlError defect (the ROLLBACK on the dead connection).
        expect(Exit.isFailure(raw) && Cause.failureOption(raw.cause)._tag).toBe("None")
        const { exit, stderr } = yield* reported(transaction)
        expect(exit).toEqual(Exit.fail(new ExitCode({ code: ExitCodes.databaseUnavailable })))
        expect(stderr).toMatch(/^seatsync: Database problem: .+\n$/)
        expect(stderr).not.toContain("Unexpected failure")
        expect(yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM lost`).toEqual([{ n: 0 }])
      }).pipe(Effect.provide(Database.layerThrowaway)),
    120_000
  )
})

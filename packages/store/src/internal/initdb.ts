/**
 * Creates a cluster with `initdb`: superuser `postgres` with a SCRAM password, UTF-8, the built-in C.UTF-8
 * locale (no dependency on the host's locales).
 */
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { Deferred, Duration, Effect, Option, Redacted } from "effect"
import type { DatabaseUnavailable } from "../Errors.js"
import type { PostgresBinaries } from "./binaries.js"
import { embeddedFailure } from "./embeddedFailure.js"
import { chownTo, type PostgresOsUser } from "./osUser.js"
import { spawnScoped } from "./process.js"

export const SUPERUSER = "postgres"

const INITDB_TIMEOUT = Duration.minutes(2)

/** Runs `initdb`, handing it the password through a private temporary file the server's user can read. */
export const initdb = (
  binaries: PostgresBinaries,
  user: PostgresOsUser | undefined,
  dataDir: string,
  password: Redacted.Redacted<string>,
  options: { readonly throwaway: boolean }
): Effect.Effect<void, DatabaseUnavailable> =>
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
      embeddedFailure(
        dataDir,
        error instanceof Error ? error.message : String(error),
        "Check the data directory's permissions and free disk space; run with debug logging to see initdb's output"
      )
    )
  )

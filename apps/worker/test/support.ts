/**
 * Test support for the process tests: start the built `seatsync-worker` against a test database, collect its
 * JSON log lines, signal it, await its exit; poll the database until a condition holds.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import { createServer, request, type Server } from "node:http"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { SqlClient } from "@effect/sql"
import type { Simulator } from "@seatsync/atlassian-simulator"
import { ApiKeyCipher, Connections } from "@seatsync/store"
import { Deferred, Duration, Effect, Exit, Redacted } from "effect"

export const binary = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/bin.js")

export interface LogLine {
  readonly message: unknown
  readonly logLevel: string
  readonly annotations: Record<string, unknown>
}

export interface WorkerProcess {
  readonly name: string
  readonly pid: number
  /** Every JSON log line so far. */
  readonly lines: Array<LogLine>
  /** Everything written to stdout and stderr, for secret checks. */
  readonly output: () => string
  readonly signal: (signal: NodeJS.Signals) => void
  /** The exit code (null when killed by a signal). */
  readonly exited: Effect.Effect<number | null>
}

/**
 * The environment a test file starts its workers with: the database, the simulator, the encryption key,
 * unthrottled pacing and a small backfill budget, then the file's `settings`, then a start's own `extra`.
 */
export const workerEnv =
  (encryptionKey: string, settings: Record<string, string>) =>
  (
    databaseUrl: string,
    simulator: Simulator.RunningSimulator,
    extra: Record<string, string> = {}
  ): Record<string, string> => ({
    DATABASE_URL: databaseUrl,
    ATLASSIAN_ADMIN_BASE_URL: simulator.adminBaseUrl,
    SEATSYNC_ENCRYPTION_KEY: encryptionKey,
    SEATSYNC_BACKFILL_BUDGET: "5",
    SEATSYNC_REQUESTS_PER_SECOND: "1000",
    SEATSYNC_REQUEST_BURST: "1000",
    ...settings,
    ...extra
  })

/** How many of a worker's last output lines a failing test prints. */
const failureTail = 80

/**
 * Spawns the worker; the scope's release SIGKILLs it if it still runs. When the test fails, the release
 * prints the tail of every worker's output to stderr, so that a failure on CI explains itself.
 */
export const spawnWorker = (name: string, args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const exited = yield* Deferred.make<number | null>()
      const child: ChildProcess = spawn(process.execPath, [binary, ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let raw = ""
      let pending = ""
      const lines: Array<LogLine> = []
      child.stdout?.on("data", (chunk: Buffer) => {
        const text = chunk.toString("utf8")
        raw += text
        pending += text
        const complete = pending.split("\n")
        pending = complete.pop() ?? ""
        for (const line of complete) {
          if (line.startsWith("{")) lines.push(JSON.parse(line) as LogLine)
        }
      })
      child.stderr?.on("data", (chunk: Buffer) => {
        raw += chunk.toString("utf8")
      })
      child.on("exit", (code) => Deferred.unsafeDone(exited, Effect.succeed(code)))
      const worker: WorkerProcess = {
        name,
        pid: child.pid ?? -1,
        lines,
        output: () => raw,
        signal: (signal) => void child.kill(signal),
        exited: Deferred.await(exited)
      }
      return { worker, child }
    }),
    ({ child, worker }, exit) =>
      Effect.sync(() => {
        if (child.exitCode === null) child.kill("SIGKILL")
        if (Exit.isFailure(exit)) {
          const tail = worker.output().trimEnd().split("\n").slice(-failureTail).join("\n")
          process.stderr.write(
            `--- ${worker.name} (pid ${worker.pid}), last ${failureTail} lines ---\n${tail}\n`
          )
        }
        // Set SEATSYNC_TEST_LOG_DIR to keep every worker's output for a failing test.
        const dir = process.env.SEATSYNC_TEST_LOG_DIR
        if (dir !== undefined)
          writeFileSync(path.join(dir, `${worker.name}-${worker.pid}.log`), worker.output())
      })
  ).pipe(Effect.map(({ worker }) => worker))

/** Between process tests on one database: no connections (nor their runs), and pg-boss's schema gone. */
export const freshDatabase = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe("DELETE FROM seatsync.connection")
  yield* sql.unsafe("DROP SCHEMA IF EXISTS seatsync_boss CASCADE")
})

/** Polls `effect` until `done` holds for its result, or fails after `timeout` saying what it waited for. */
export const eventually = <A, E, R>(
  what: string,
  effect: Effect.Effect<A, E, R>,
  done: (value: A) => boolean,
  timeout: Duration.DurationInput = "60 seconds"
) =>
  Effect.gen(function* () {
    for (;;) {
      const value = yield* effect
      if (done(value)) return value
      yield* Effect.sleep("250 millis")
    }
  }).pipe(
    Effect.timeoutFail({ duration: timeout, onTimeout: () => new Error(`timed out waiting for ${what}`) })
  )

/** Registers a connection as `seatsync connect` does: its key encrypted under `encryptionKey`. */
export const connect = (
  name: string,
  options: {
    readonly orgId: string
    readonly apiKey: string
    readonly schedule: string
    readonly encryptionKey: string
  }
) =>
  Effect.gen(function* () {
    const key = yield* ApiKeyCipher.parseEncryptionKey(Redacted.make(options.encryptionKey))
    return yield* Connections.upsert({
      name,
      orgId: options.orgId,
      schedule: options.schedule,
      timeZone: "UTC",
      apiKeyCiphertext: ApiKeyCipher.encrypt(key, name, Redacted.make(options.apiKey))
    })
  })

export const messages = (worker: WorkerProcess) => worker.lines.map((line) => line.message)

export const since = (start: number) => Duration.millis(Date.now() - start)

/**
 * One admin base URL for several simulated organisations, as Atlassian's one API serves every organisation:
 * a front that forwards each request to the simulator whose API key it carries (the worker's clients all
 * use the process's `ATLASSIAN_ADMIN_BASE_URL`). Closed with the scope.
 */
export const organisationsFront = (simulators: ReadonlyArray<Simulator.RunningSimulator>) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Server; readonly adminBaseUrl: string }>((resume) => {
      const byKey = new Map(simulators.map((simulator) => [simulator.apiKey, new URL(simulator.baseUrl)]))
      const server = createServer((req, res) => {
        const key = (req.headers.authorization ?? "").replace(/^Bearer /, "")
        const target = byKey.get(key) ?? new URL(simulators[0]?.baseUrl ?? "http://127.0.0.1:1")
        const forward = request(
          {
            host: target.hostname,
            port: target.port,
            path: req.url,
            method: req.method,
            headers: { ...req.headers, host: target.host }
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          }
        )
        forward.on("error", () => res.writeHead(502).end())
        req.pipe(forward)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ server, adminBaseUrl: `http://127.0.0.1:${port}/admin` }))
      })
    }),
    ({ server }) => Effect.sync(() => server.close())
  ).pipe(Effect.map(({ adminBaseUrl }) => adminBaseUrl))

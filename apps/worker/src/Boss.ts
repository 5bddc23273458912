/**
 * pg-boss (the job queue in PostgreSQL that distributes work across replicas) as an Effect service: started
 * when the layer is built, stopped gracefully when it is released, every call an `Effect` failing with a
 * typed `BossError`. pg-boss runs its SQL on the store's own node-postgres pool (`PgPool`), so it uses the
 * same database — `DATABASE_URL` or the embedded cluster — in its own schema. Starting pg-boss and creating
 * queues hold the store's start-up lock, so that replicas starting together on a fresh database take turns.
 */
import { SqlClient } from "@effect/sql"
import { PgPool, StartupLock } from "@seatsync/store"
import {
  Cause,
  Context,
  Data,
  Duration,
  Effect,
  Exit,
  FiberSet,
  Layer,
  Option,
  Runtime,
  type Scope
} from "effect"
import PgBoss from "pg-boss"

export class BossError extends Data.TaggedError("BossError")<{
  readonly operation: string
  readonly queue: string
  readonly cause: unknown
}> {
  override get message() {
    const reason = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `pg-boss ${this.operation} on queue "${this.queue}" failed: ${reason}`
  }
}

export type Job<T = unknown> = PgBoss.JobWithMetadata<T>

export interface WorkOptions {
  readonly pollInterval: Duration.Duration
}

export interface BossShape {
  /** The schema pg-boss keeps its tables in. */
  readonly schema: string
  readonly createQueue: (name: string, options: PgBoss.Queue) => Effect.Effect<void, BossError>
  /** The new job's id, or none when an identical job (same id or singleton) already exists. */
  readonly send: (
    name: string,
    data: object,
    options: PgBoss.SendOptions
  ) => Effect.Effect<Option.Option<string>, BossError>
  /** Claims up to one job (tests and `--once` drive jobs with it). */
  readonly fetch: (name: string) => Effect.Effect<Option.Option<Job>, BossError>
  readonly complete: (name: string, id: string, output?: object) => Effect.Effect<void, BossError>
  /** Fails an active job: pg-boss retries it (after its delay) or, when retries are exhausted, dead-letters it. */
  readonly fail: (name: string, id: string, output: object) => Effect.Effect<void, BossError>
  /** A job by id, from the live table or the archive. */
  readonly getJobById: (name: string, id: string) => Effect.Effect<Option.Option<Job>, BossError>
  /** pg-boss's cron: fires once across all replicas. */
  readonly schedule: (
    name: string,
    cron: string,
    options: PgBoss.ScheduleOptions
  ) => Effect.Effect<void, BossError>
  /**
   * Polls `name` and runs `handler` for each job (one at a time per call; call it n times for n at once).
   * A handler that succeeds completes its job, one that fails or is interrupted fails it. The handlers run
   * in a `FiberSet` of the caller's scope: closing that scope interrupts the ones still running.
   */
  readonly work: <R>(
    name: string,
    options: WorkOptions,
    handler: (job: Job) => Effect.Effect<unknown, unknown, R>
  ) => Effect.Effect<WorkHandle, BossError, R | Scope.Scope>
  /** Stops every poller of `name` from fetching; running handlers carry on. */
  readonly offWork: (name: string) => Effect.Effect<void, BossError>
}

/** The handlers of one `work` call. */
export interface WorkHandle {
  /** Handlers running now. */
  readonly running: Effect.Effect<number>
}

export class Boss extends Context.Tag("@seatsync/worker/Boss")<Boss, BossShape>() {}

export interface BossOptions {
  readonly schema: string
  /** Run pg-boss's cron (the tick schedule); off for `--once`. */
  readonly cron: boolean
  /** How long `stop` waits for pg-boss's own in-flight work once our handlers have ended. */
  readonly stopTimeout: Duration.Duration
}

/**
 * Runs one pg-boss statement on a pooled connection. pg-boss sends some of its work as one multi-statement
 * `BEGIN; …; COMMIT;` string (schema creation, migrations, maintenance); when one statement fails — two
 * replicas creating the schema at once, which pg-boss expects and ignores — the connection is left inside an
 * aborted transaction. We share the pool with the store, so roll back before handing the connection back.
 */
const executeSql = async (
  pool: Context.Tag.Service<PgPool.PgPool>,
  text: string,
  values: Array<unknown> | undefined
) => {
  const client = await pool.connect()
  try {
    return await client.query(text, values)
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

const attempt = <A>(operation: string, queue: string, run: () => Promise<A>): Effect.Effect<A, BossError> =>
  Effect.tryPromise({ try: run, catch: (cause) => new BossError({ operation, queue, cause }) })

/**
 * `attempt` holding the start-up lock. pg-boss's `create_queue` inserts the queue's row, then adds foreign
 * keys to the queue table from the new partition: two processes creating different queues at once each hold
 * the lock the other's foreign key needs, and PostgreSQL kills one with `deadlock detected` (40P01). pg-boss
 * creates its own schema under a lock of its own, but its `start` also creates its cron queue, unlocked and
 * ignoring failure; so `start` and every `createQueue` take turns across processes.
 */
const attemptAlone = <A>(
  sql: SqlClient.SqlClient,
  operation: string,
  queue: string,
  run: () => Promise<A>
): Effect.Effect<A, BossError> =>
  StartupLock.withLock(attempt(operation, queue, run)).pipe(
    Effect.catchTag("SqlError", (cause) => Effect.fail(new BossError({ operation, queue, cause }))),
    Effect.provideService(SqlClient.SqlClient, sql)
  )

export const make = (
  options: BossOptions
): Effect.Effect<BossShape, BossError, PgPool.PgPool | SqlClient.SqlClient | Scope.Scope> =>
  Effect.gen(function* () {
    const pool = yield* PgPool.PgPool
    const sql = yield* SqlClient.SqlClient
    const runtime = yield* Effect.runtime<never>()
    const boss = yield* Effect.acquireRelease(
      attemptAlone(sql, "start", "*", async () => {
        const instance = new PgBoss({
          db: { executeSql: (text, values) => executeSql(pool, text, values) },
          schema: options.schema,
          schedule: options.cron,
          supervise: true,
          migrate: true
        })
        instance.on("error", (error) => {
          Runtime.runFork(runtime)(
            Effect.logWarning("pg-boss reported an error").pipe(
              Effect.annotateLogs({ error: error instanceof Error ? error.message : String(error) })
            )
          )
        })
        await instance.start()
        return instance
      }),
      (instance) =>
        Effect.promise(() =>
          instance.stop({ graceful: true, wait: true, timeout: Duration.toMillis(options.stopTimeout) })
        ).pipe(Effect.timeoutOption(Duration.sum(options.stopTimeout, Duration.seconds(5))))
    )

    const work: BossShape["work"] = <R>(
      name: string,
      workOptions: WorkOptions,
      handler: (job: Job) => Effect.Effect<unknown, unknown, R>
    ) =>
      Effect.gen(function* () {
        const fibers = yield* FiberSet.make<unknown, unknown>()
        const run = yield* FiberSet.runtime(fibers)<R>()
        yield* attempt("work", name, () =>
          boss.work(
            name,
            {
              batchSize: 1,
              includeMetadata: true,
              pollingIntervalSeconds: Duration.toSeconds(workOptions.pollInterval)
            },
            // batchSize 1: one job per call. The handler's result becomes the job's output.
            async (jobs) => {
              let output: unknown
              for (const job of jobs) {
                const exit = await Runtime.runPromise(runtime)(run(handler(job)).await)
                if (Exit.isFailure(exit)) throw new JobFailed(describeFailure(exit.cause))
                output = exit.value
              }
              return typeof output === "object" && output !== null ? output : undefined
            }
          )
        )
        return { running: FiberSet.size(fibers) }
      })

    return {
      schema: options.schema,
      createQueue: (name, queueOptions) =>
        attemptAlone(sql, "createQueue", name, () => boss.createQueue(name, queueOptions)),
      send: (name, data, sendOptions) =>
        Effect.map(
          attempt("send", name, () => boss.send(name, data, sendOptions)),
          Option.fromNullable
        ),
      fetch: (name) =>
        Effect.map(
          attempt("fetch", name, () => boss.fetch<unknown>(name, { includeMetadata: true, batchSize: 1 })),
          (jobs) => Option.fromNullable(jobs[0])
        ),
      complete: (name, id, output) =>
        Effect.asVoid(attempt("complete", name, () => boss.complete(name, id, output ?? {}))),
      fail: (name, id, output) => Effect.asVoid(attempt("fail", name, () => boss.fail(name, id, output))),
      getJobById: (name, id) =>
        Effect.map(
          attempt("getJobById", name, () => boss.getJobById<unknown>(name, id, { includeArchive: true })),
          Option.fromNullable
        ),
      schedule: (name, cron, scheduleOptions) =>
        attempt("schedule", name, () => boss.schedule(name, cron, {}, scheduleOptions)),
      work,
      offWork: (name) => attempt("offWork", name, () => boss.offWork(name))
    } satisfies BossShape
  })

/** One line on why a handler failed: its error's tag and message, or that it was interrupted. */
const describeFailure = (cause: Cause.Cause<unknown>): { readonly tag: string; readonly message: string } =>
  Option.match(Cause.failureOption(cause), {
    onNone: () =>
      Cause.isInterruptedOnly(cause)
        ? { tag: "Interrupted", message: "the worker stopped while the job was running" }
        : { tag: "Defect", message: Cause.pretty(cause).split("\n")[0] ?? "unexpected error" },
    onSome: (error) =>
      error instanceof Error
        ? { tag: "_tag" in error ? String(error._tag) : error.name, message: error.message }
        : { tag: "Unknown", message: String(error) }
  })

/** What pg-boss records as a failed job's output (it serialises the thrown error's own fields). */
class JobFailed extends Error {
  readonly tag: string
  constructor(failure: { readonly tag: string; readonly message: string }) {
    super(failure.message)
    this.tag = failure.tag
    this.stack = `${failure.tag}: ${failure.message}`
  }
}

export const layer = (
  options: BossOptions
): Layer.Layer<Boss, BossError, PgPool.PgPool | SqlClient.SqlClient> => Layer.scoped(Boss, make(options))

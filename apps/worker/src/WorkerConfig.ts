/**
 * The worker's configuration, all from the environment (documented in the README's table). Which
 * organisations to sync is not configuration: every connection registered with `seatsync connect` is synced
 * on its own schedule.
 */
import { RunnerConfig } from "@seatsync/sync"
import { Config, type ConfigError, Duration, Option } from "effect"

export interface WorkerConfig {
  /** Sync jobs this process runs at once. */
  readonly concurrency: number
  /** Backfill jobs this process runs at once, on their own queue (0: this replica runs none). */
  readonly backfillConcurrency: number
  /** Upper bound of the per-connection delay after a slot (deterministic per connection). */
  readonly scheduleSpread: Duration.Duration
  /** `last-active-dates` calls after each successful scheduled sync; 0 disables the backfill. */
  readonly backfillBudget: number
  /** Scheduled slots failing in a row before a connection is paused. */
  readonly pauseAfterFailures: number
  /** pg-boss cron (UTC) of the tick that enqueues due slots; fires once across replicas. */
  readonly tickCron: string
  /** When set, every replica also ticks on this interval (sub-minute schedules, tests). */
  readonly tickEvery: Option.Option<Duration.Duration>
  /**
   * Longest a replica waits between two ticks of its own: it ticks when the next slot falls due, when a job
   * ends, and at least this often (connections added or changed meanwhile are seen by then).
   */
  readonly tickMaxWait: Duration.Duration
  /** Retries of a failed sync job (attempts = retries + 1). */
  readonly retryLimit: number
  /** Delay before the first retry; doubled (with jitter) for each further one. */
  readonly retryDelay: Duration.Duration
  /** A job running longer is interrupted and failed (pg-boss expires it a minute later). */
  readonly jobTimeout: Duration.Duration
  /** How often every replica looks for jobs whose worker died. */
  readonly orphanCheckInterval: Duration.Duration
  /** A job is an orphan only when it has been active this long without its owner's liveness lock. */
  readonly orphanGrace: Duration.Duration
  /** SIGTERM: how long running jobs may finish before they are interrupted. */
  readonly shutdownGrace: Duration.Duration
  /** How often an idle pg-boss worker polls for jobs. */
  readonly pollInterval: Duration.Duration
  /** PostgreSQL schema pg-boss keeps its queues in. */
  readonly bossSchema: string
  /**
   * How connections are run: the Admin API base URL, client pacing per organisation
   * (`SEATSYNC_REQUESTS_PER_SECOND`, `SEATSYNC_REQUEST_BURST`, …) and the test-only site-host switch, read by
   * `@seatsync/sync`'s `RunnerConfig.fromEnv` (the one reading of those variables).
   */
  readonly runner: RunnerConfig.RunnerConfig
}

const positiveInt = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  Config.integer(name).pipe(
    Config.withDefault(fallback),
    Config.validate({
      message: `${name} must be a whole number from 1 to ${max}`,
      validation: (n) => n >= 1 && n <= max
    })
  )

const wholeNumber = (name: string, fallback: number, min: number, max: number) =>
  Config.integer(name).pipe(
    Config.withDefault(fallback),
    Config.validate({
      message: `${name} must be a whole number from ${min} to ${max}`,
      validation: (n) => n >= min && n <= max
    })
  )

const duration = (name: string, fallback: Duration.DurationInput) =>
  Config.duration(name).pipe(Config.withDefault(Duration.decode(fallback)))

export const WorkerConfig: Config.Config<WorkerConfig> = Config.all({
  // Each running job holds one pooled session (the connection lock) besides the process's liveness
  // session: `Capacity` checks them against SEATSYNC_DB_POOL_SIZE and the server at start-up.
  concurrency: positiveInt("SEATSYNC_WORKER_CONCURRENCY", 2, 200),
  backfillConcurrency: wholeNumber("SEATSYNC_BACKFILL_CONCURRENCY", 1, 0, 200),
  scheduleSpread: duration("SEATSYNC_SCHEDULE_SPREAD", "5 minutes"),
  backfillBudget: Config.integer("SEATSYNC_BACKFILL_BUDGET").pipe(
    Config.withDefault(5000),
    Config.validate({
      message: "SEATSYNC_BACKFILL_BUDGET must be 0 (no backfill) or a positive number of calls",
      validation: (n) => n >= 0
    })
  ),
  pauseAfterFailures: positiveInt("SEATSYNC_PAUSE_AFTER_FAILURES", 3),
  tickCron: Config.string("SEATSYNC_TICK_CRON").pipe(Config.withDefault("* * * * *")),
  tickEvery: Config.option(Config.duration("SEATSYNC_TICK_EVERY")),
  tickMaxWait: duration("SEATSYNC_TICK_MAX_WAIT", "30 seconds").pipe(
    Config.validate({
      message: "SEATSYNC_TICK_MAX_WAIT must be from 1 second to 1 hour",
      validation: (d) => Duration.toMillis(d) >= 1000 && Duration.toMillis(d) <= 3_600_000
    })
  ),
  retryLimit: Config.integer("SEATSYNC_RETRY_LIMIT").pipe(
    Config.withDefault(2),
    Config.validate({ message: "SEATSYNC_RETRY_LIMIT must be 0 or more", validation: (n) => n >= 0 })
  ),
  retryDelay: duration("SEATSYNC_RETRY_DELAY", "1 minute"),
  jobTimeout: duration("SEATSYNC_JOB_TIMEOUT", "6 hours").pipe(
    Config.validate({
      // pg-boss refuses expirations of 24 hours or more; its expiry is set a minute after ours.
      message: "SEATSYNC_JOB_TIMEOUT must be from 1 minute to 23 hours",
      validation: (d) => Duration.toMillis(d) >= 60_000 && Duration.toMillis(d) <= 23 * 3_600_000
    })
  ),
  orphanCheckInterval: duration("SEATSYNC_ORPHAN_CHECK_INTERVAL", "15 seconds"),
  orphanGrace: duration("SEATSYNC_ORPHAN_GRACE", "30 seconds"),
  shutdownGrace: duration("SEATSYNC_SHUTDOWN_GRACE", "60 seconds"),
  pollInterval: duration("SEATSYNC_POLL_INTERVAL", "2 seconds").pipe(
    Config.validate({
      message: "SEATSYNC_POLL_INTERVAL must be at least 500 millis (pg-boss's minimum)",
      validation: (d) => Duration.toMillis(d) >= 500
    })
  ),
  bossSchema: Config.string("SEATSYNC_BOSS_SCHEMA").pipe(
    Config.withDefault("seatsync_boss"),
    Config.validate({
      message: "SEATSYNC_BOSS_SCHEMA must be a lower-case SQL identifier",
      validation: (s) => /^[a-z_][a-z0-9_]{0,62}$/.test(s)
    })
  ),
  runner: RunnerConfig.fromEnv
})

/** The single-organisation variables of earlier versions, now ignored (the worker warns when one is set). */
export const retiredVariables = [
  "SEATSYNC_ORG_ID",
  "SEATSYNC_CONNECTION_NAME",
  "SEATSYNC_SYNC_EVERY"
] as const

export const isSet = (name: string): Config.Config<boolean> =>
  Config.option(Config.string(name)).pipe(Config.map(Option.isSome))

/** A configuration error as sentences: each variable and what is wrong with it. */
export const describeConfigError = (error: ConfigError.ConfigError): string => {
  switch (error._op) {
    case "And":
    case "Or":
      return `${describeConfigError(error.left)}; ${describeConfigError(error.right)}`
    case "InvalidData":
    case "MissingData":
    case "SourceUnavailable":
    case "Unsupported":
      return error.path.length === 0 ? error.message : `${error.path.join(".")}: ${error.message}`
  }
}

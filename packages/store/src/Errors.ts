/**
 * The store's vocabulary of failure: each error names what went wrong and what to do, never a password.
 */
import { Schema } from "effect"

/**
 * PostgreSQL could not be reached or started: a refused connection, a failed `initdb`, binaries the
 * `postgres` OS user cannot execute, a data directory it cannot enter.
 */
export class DatabaseUnavailable extends Schema.TaggedError<DatabaseUnavailable>()("DatabaseUnavailable", {
  /** What we tried to reach: `host:port`, or `embedded PostgreSQL in <data dir>`. Never a password. */
  target: Schema.String,
  /** What went wrong, in one sentence. */
  reason: Schema.String,
  /** What the operator should do about it. */
  remedy: Schema.String
}) {
  override get message() {
    return `Database unavailable (${this.target}): ${this.reason}. ${this.remedy}`
  }
}

/** The persistent embedded cluster is already running, held by another process. */
export class DatabaseInUse extends Schema.TaggedError<DatabaseInUse>()("DatabaseInUse", {
  dataDir: Schema.String,
  /** The running postmaster's process id. */
  pid: Schema.Number,
  /** The port it listens on, when `postmaster.pid` says. */
  port: Schema.NullOr(Schema.Number)
}) {
  override get message() {
    const where = this.port === null ? "" : ` on 127.0.0.1:${this.port}`
    return (
      `The embedded database in ${this.dataDir} is already running (postmaster pid ${this.pid}${where}), ` +
      "held by another seatsync process. Wait for that process to finish or stop it, or point DATABASE_URL " +
      "at a shared PostgreSQL server instead of the embedded one"
    )
  }
}

/** A run-ledger transition or merge was asked of a run that is not `running` (or does not exist). */
export class SyncRunNotRunning extends Schema.TaggedError<SyncRunNotRunning>()("SyncRunNotRunning", {
  runId: Schema.Number,
  /** The run's current status, or null when there is no such run (for that connection). */
  status: Schema.NullOr(Schema.String)
}) {
  override get message() {
    return this.status === null
      ? `Sync run ${this.runId} does not exist for this connection`
      : `Sync run ${this.runId} is already ${this.status}; only a running run can be changed`
  }
}

/**
 * A complete run would soft-delete more than the allowed share of an entity's live rows — more often a
 * truncated enumeration or a permissions change than a real mass departure. The run's merge was rolled back.
 */
export class DeletionGuardTripped extends Schema.TaggedError<DeletionGuardTripped>()("DeletionGuardTripped", {
  entity: Schema.String,
  wouldDelete: Schema.Number,
  live: Schema.Number,
  /** The allowed share, 0–1. */
  share: Schema.Number
}) {
  override get message() {
    const percent = (value: number) => `${Math.round(value * 1000) / 10} %`
    return (
      `Refused to soft-delete ${this.wouldDelete} of ${this.live} live ${this.entity} rows ` +
      `(${percent(this.live === 0 ? 0 : this.wouldDelete / this.live)}, more than the allowed ${percent(this.share)}); ` +
      "nothing was changed. Check that the API key still sees the whole organisation, then re-run with --force " +
      "if the removals are real"
    )
  }
}

/** Another process is already syncing this connection (it holds the connection's advisory lock). */
export class LockHeld extends Schema.TaggedError<LockHeld>()("LockHeld", {
  connectionId: Schema.Number,
  /** The connection's name, which the operator knows it by (absent in errors recorded before it was added). */
  connectionName: Schema.optional(Schema.String),
  /** The run that holds it, when the ledger shows one running. */
  heldBy: Schema.optional(Schema.Number)
}) {
  override get message() {
    const holder = this.heldBy === undefined ? "another process" : `run ${this.heldBy}`
    const connection =
      this.connectionName === undefined
        ? `Connection ${this.connectionId}`
        : `Connection ${this.connectionName}`
    return `${connection} is already being synced by ${holder}; wait for it to finish (or stop it) and try again`
  }
}

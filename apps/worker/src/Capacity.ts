/**
 * How many database connections a replica needs and whether it gets them: each running job holds one pooled
 * session for its connection lock, the process holds one for job liveness, and pg-boss, the tick and
 * `/metrics` share the rest (`reserveForBoss`). At start-up the pool (`SEATSYNC_DB_POOL_SIZE`) is checked
 * against the jobs (`SEATSYNC_WORKER_CONCURRENCY` + `SEATSYNC_BACKFILL_CONCURRENCY`) and against the server's
 * `max_connections`, with an error that names the variables to change.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import { PgPool, ServerCapacity } from "@seatsync/store"
import { Data, Effect, Either, type ParseResult } from "effect"

/** Sessions beside the jobs' and liveness': pg-boss's polling and bookkeeping, the tick, `/metrics`. */
export const reserveForBoss = 2

/** Pooled sessions a replica running `sync` and `backfill` jobs at once needs. */
export const sessionsNeeded = (sync: number, backfill: number): number => sync + backfill + 1 + reserveForBoss

export class CapacityExceeded extends Data.TaggedError("CapacityExceeded")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

export interface CapacityInput {
  readonly poolSize: number
  readonly syncConcurrency: number
  readonly backfillConcurrency: number
  readonly server: ServerCapacity.ServerCapacity
}

/** What the check found: the sessions needed and how many replicas of this pool the server holds. */
export interface CapacityPlan {
  readonly needed: number
  readonly poolSize: number
  /** Connections an ordinary role may open: `max_connections` less the reserved ones. */
  readonly serverAvailable: number
  /** Replicas with this pool that fit the server together (ignoring other clients). */
  readonly replicasThatFit: number
  /** Connections open now that are not this replica's (other replicas, the CLI, other applications). */
  readonly openElsewhere: number
}

/** The check itself, over plain values. */
export const check = (input: CapacityInput): Either.Either<CapacityPlan, CapacityExceeded> => {
  const needed = sessionsNeeded(input.syncConcurrency, input.backfillConcurrency)
  const serverAvailable = ServerCapacity.available(input.server)
  if (input.poolSize < needed) {
    return Either.left(
      new CapacityExceeded({
        reason:
          `SEATSYNC_WORKER_CONCURRENCY (${input.syncConcurrency}) and SEATSYNC_BACKFILL_CONCURRENCY ` +
          `(${input.backfillConcurrency}) need ${needed} database connections per replica (one per job for its ` +
          `connection lock, one for job liveness, ${reserveForBoss} for pg-boss, the tick and /metrics), but ` +
          `SEATSYNC_DB_POOL_SIZE is ${input.poolSize}: set SEATSYNC_DB_POOL_SIZE to at least ${needed}, or lower the concurrency`
      })
    )
  }
  if (input.poolSize > serverAvailable) {
    return Either.left(
      new CapacityExceeded({
        reason:
          `SEATSYNC_DB_POOL_SIZE (${input.poolSize}) is more than the PostgreSQL server accepts ` +
          `(max_connections ${input.server.maxConnections} less ${input.server.reservedConnections} reserved = ` +
          `${serverAvailable}): lower SEATSYNC_DB_POOL_SIZE (at least ${needed} for this concurrency) or raise max_connections`
      })
    )
  }
  return Either.right({
    needed,
    poolSize: input.poolSize,
    serverAvailable,
    replicasThatFit: Math.floor(serverAvailable / input.poolSize),
    openElsewhere: Math.max(0, input.server.connectionsInUse - 1)
  })
}

/**
 * Reads the pool and the server, checks them, and logs the plan (a warning when the connections already
 * open leave too little room for this replica's pool). Fails with `CapacityExceeded` when it cannot fit.
 */
export const verify = (
  syncConcurrency: number,
  backfillConcurrency: number
): Effect.Effect<
  CapacityPlan,
  CapacityExceeded | SqlError.SqlError | ParseResult.ParseError,
  PgPool.PgPool | SqlClient.SqlClient
> =>
  Effect.gen(function* () {
    const pool = yield* PgPool.PgPool
    const server = yield* ServerCapacity.read
    // This replica's own connections are those its pool has open now (at start-up, one or two).
    const own = pool.totalCount
    const plan = yield* check({
      poolSize: PgPool.maxConnections(pool),
      syncConcurrency,
      backfillConcurrency,
      server: { ...server, connectionsInUse: Math.max(0, server.connectionsInUse - own + 1) }
    })
    const annotations = {
      poolSize: plan.poolSize,
      sessionsNeeded: plan.needed,
      syncConcurrency,
      backfillConcurrency,
      maxConnections: server.maxConnections,
      serverAvailable: plan.serverAvailable,
      replicasThatFit: plan.replicasThatFit,
      openElsewhere: plan.openElsewhere
    }
    if (plan.openElsewhere + plan.poolSize > plan.serverAvailable) {
      yield* Effect.logWarning(
        "the database may run out of connections: the connections open elsewhere and this replica's full pool exceed max_connections; lower SEATSYNC_DB_POOL_SIZE, run fewer replicas, or raise max_connections"
      ).pipe(Effect.annotateLogs(annotations))
    } else {
      yield* Effect.logInfo("database capacity checked").pipe(Effect.annotateLogs(annotations))
    }
    return plan
  }).pipe(Effect.withSpan("Worker.verifyCapacity"))

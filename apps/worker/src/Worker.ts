/**
 * The worker loop: sync the configured organisation now and then again every `SEATSYNC_SYNC_EVERY`,
 * logging each run as structured JSON. A failed run is logged and retried at the next slot; SIGTERM
 * interrupts the current run, which the ledger records as `interrupted`.
 */
import { FetchHttpClient } from "@effect/platform"
import { AtlassianClient } from "@seatsync/atlassian-client"
import { Connections, Database } from "@seatsync/store"
import { runSync } from "@seatsync/sync"
import { Effect, Schedule } from "effect"
import { WorkerConfig } from "./WorkerConfig.js"

/** One sync of the configured organisation; failures are logged, never fatal to the loop. */
export const syncOnce = Effect.gen(function* () {
  const config = yield* WorkerConfig
  const connection = yield* Connections.upsert({ name: config.connectionName, orgId: config.orgId })
  return yield* runSync(connection, { trigger: "worker" }).pipe(
    Effect.tap((summary) =>
      Effect.logInfo("sync succeeded").pipe(
        Effect.annotateLogs({
          runId: summary.runId,
          connection: config.connectionName,
          users: summary.entities.org_user.staged,
          inserted: summary.entities.org_user.inserted,
          updated: summary.entities.org_user.updated,
          deleted: summary.entities.org_user.deleted,
          quarantined: summary.quarantined,
          apiCalls: summary.api.apiCalls
        })
      )
    ),
    Effect.provide(AtlassianClient.layer({ apiKey: config.apiKey, adminBaseUrl: config.adminBaseUrl })),
    Effect.provide(FetchHttpClient.layer)
  )
})

/** Runs `syncOnce` now and then on the configured interval, forever. */
export const runForever = Effect.gen(function* () {
  const config = yield* WorkerConfig
  yield* Effect.logInfo("seatsync-worker started").pipe(
    Effect.annotateLogs({ connection: config.connectionName, every: String(config.every) })
  )
  const attempt = syncOnce.pipe(
    Effect.catchAll((error) =>
      Effect.logError("sync failed").pipe(Effect.annotateLogs({ error: error._tag, reason: error.message }))
    )
  )
  return yield* Effect.repeat(attempt, Schedule.spaced(config.every))
})

export const DatabaseLive = Database.layer

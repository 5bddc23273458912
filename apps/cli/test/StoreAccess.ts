/**
 * What only the worker does, done from a test: opening the same embedded database the CLI uses (between CLI
 * runs, so the cluster is free) and recording failed scheduled runs with the store's own `recordFailure`.
 */
import { Connections, Database } from "@seatsync/store"
import { ConfigProvider, Effect, Option } from "effect"

/** Records `failures` failed scheduled runs of `name`, pausing it after `pauseAfter` with `reason`. */
export const pauseConnection = (
  dataDir: string,
  name: string,
  options: { readonly reason: string; readonly failures: number; readonly pauseAfter: number }
) =>
  Effect.gen(function* () {
    const connection = yield* Connections.findByName(name)
    if (Option.isNone(connection)) return yield* Effect.dieMessage(`no connection ${name} to pause`)
    for (let i = 0; i < options.failures; i++) {
      yield* Connections.recordFailure(connection.value.id, {
        reason: options.reason,
        pauseAfter: options.pauseAfter
      })
    }
  }).pipe(
    Effect.provide(Database.layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["SEATSYNC_DATA_DIR", dataDir]]))),
    Effect.orDie
  )

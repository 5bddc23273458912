/**
 * What commands that run connections stand on: the `ConnectionRunner` of `@seatsync/sync` configured from
 * the environment, over the configured or embedded PostgreSQL and Node's fetch.
 */
import { FetchHttpClient } from "@effect/platform"
import { Database } from "@seatsync/store"
import { ConnectionRunner } from "@seatsync/sync"
import { Layer } from "effect"

/** The runner with its database and HTTP client; the database layer starts (or finds) PostgreSQL. */
export const runnerLayer = ConnectionRunner.layerConfig().pipe(
  Layer.provideMerge(Database.layer),
  Layer.provideMerge(FetchHttpClient.layer)
)

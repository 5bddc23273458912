/**
 * The bench's estimate of the first sync's API calls, before it syncs: `@seatsync/sync`'s `SyncPlan` from
 * the organisation's counts (role holders counted per product × role), read through a client of its own so
 * that the sync's call count is untouched. A replay recorded before the plan's counts were recorded cannot
 * answer them; the estimate then falls back to `users/stats` (a lower bound) and says so.
 */
import { FetchHttpClient } from "@effect/platform"
import { AtlassianClient, unpaced } from "@seatsync/atlassian-client"
import { planSync, type RoleHolderSource, readOrgSize } from "@seatsync/sync"
import { Console, Effect, Layer, Option, Redacted } from "effect"
import type { SimulatorHandle } from "./SimulatorSpawn.js"

export interface CallEstimate {
  readonly calls: number
  /** `counted` (exact as of the reading) or `users/stats` (the replay lacked the counts). */
  readonly basis: "counted" | "users/stats"
}

/** The client the estimate reads with: unpaced, like the bench's sync. */
export const estimateClient = (handle: SimulatorHandle) =>
  AtlassianClient.layer({
    apiKey: Redacted.make(handle.apiKey),
    adminBaseUrl: handle.adminBaseUrl,
    pacing: unpaced
  }).pipe(Layer.provide(FetchHttpClient.layer))

const read = (handle: SimulatorHandle, holders: RoleHolderSource) =>
  Effect.flatMap(AtlassianClient.AtlassianClient, (client) =>
    readOrgSize(client, handle.orgId, holders)
  ).pipe(Effect.provide(estimateClient(handle)))

/** The plan's total calls for the organisation behind `handle`. */
export const estimateCalls = (handle: SimulatorHandle): Effect.Effect<CallEstimate> =>
  read(handle, { _tag: "Count" }).pipe(
    Effect.map((size): CallEstimate => ({ calls: planSync(size, unpaced).totalCalls, basis: "counted" })),
    Effect.catchAll((error) =>
      Console.error(
        `bench: the role holders could not be counted (${error._tag}: a replay recorded before the plan was); estimating from users/stats instead`
      ).pipe(
        Effect.zipRight(read(handle, { _tag: "Proxy", previous: Option.none() })),
        Effect.map(
          (size): CallEstimate => ({ calls: planSync(size, unpaced).totalCalls, basis: "users/stats" })
        )
      )
    ),
    Effect.orDie
  )

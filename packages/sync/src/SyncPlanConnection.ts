/**
 * The plan of one connection's next full sync (`seatsync sync <connection> --plan`, `seatsync doctor`): its
 * key and client through the `ConnectionRunner` (the process's base URL and pacing), the counts read with
 * that client, the last succeeded run from the ledger, and `planSync` over them. Reads only: no run is
 * recorded and nothing is staged.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import {
  AtlassianClient,
  type AtlassianClientConfig,
  type AtlassianError,
  type InvalidConfig
} from "@seatsync/atlassian-client"
import { type ConnectionSecrets, Connections } from "@seatsync/store"
import { Effect, Option, type ParseResult } from "effect"
import type { ApiKeyMissing } from "./ConnectionErrors.js"
import * as ConnectionRunner from "./ConnectionRunner.js"
import { type OrgSize, planSync, type SyncPlan } from "./SyncPlan.js"
import { type PreviousRunSize, previousRunSize, readOrgSize } from "./SyncPlanInputs.js"

/** A stored connection, or an organisation not registered (yet): the demo, `--org-id`. */
export type PlanTarget = Connections.Connection | { readonly name: string; readonly orgId: string }

export interface PlanOptions {
  /** Default: the stored key (or `ATLASSIAN_API_KEY` for an unregistered organisation). */
  readonly apiKey?: ConnectionRunner.ApiKeySource | undefined
  /** Overrides the process's base URL or pacing (the demo's in-process simulator). */
  readonly endpoint?: Partial<AtlassianClientConfig.EndpointSettings> | undefined
  /**
   * `count`: one `users/count` per product × role, exact; `proxy`: no extra calls, role holders from the
   * last succeeded run or `users/stats` (see `SyncPlanInputs.RoleHolderSource`).
   */
  readonly roleHolders: "count" | "proxy"
}

export interface ConnectionPlan {
  readonly name: string
  readonly orgId: string
  readonly size: OrgSize
  readonly plan: SyncPlan
  /** The last succeeded full run, when there is one (its calls are the plan's best check). */
  readonly previous: Option.Option<PreviousRunSize>
  /** Calls the plan itself made to read the counts. */
  readonly readCalls: number
}

export type PlanError =
  | AtlassianError
  | InvalidConfig
  | ApiKeyMissing
  | ConnectionSecrets.SecretError
  | SqlError.SqlError
  | ParseResult.ParseError

/** Reads the counts of `target`'s organisation and plans its next full sync at the pacing in force. */
export const planConnection = (
  target: PlanTarget,
  options: PlanOptions
): Effect.Effect<ConnectionPlan, PlanError, ConnectionRunner.ConnectionRunner | SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const runner = yield* ConnectionRunner.ConnectionRunner
    const stored = target instanceof Connections.Connection
    const previous = stored ? yield* previousRunSize(target.id) : Option.none<PreviousRunSize>()
    const apiKey = yield* runner.apiKey(target, options.apiKey)
    const pacing = options.endpoint?.pacing ?? runner.config.pacing
    const { size, readCalls } = yield* Effect.gen(function* () {
      const client = yield* AtlassianClient.AtlassianClient
      // A connection with Guard enabled also walks its managed accounts (`RunSyncOptions.guard`).
      const guard =
        stored && target.guard === "enabled"
          ? { previousListed: Option.getOrUndefined(previous)?.guardListed }
          : undefined
      const size = yield* readOrgSize(
        client,
        target.orgId,
        options.roleHolders === "count" ? { _tag: "Count" } : { _tag: "Proxy", previous },
        guard
      )
      return { size, readCalls: (yield* client.stats).apiCalls }
    }).pipe(Effect.provide(runner.client(apiKey, options.endpoint)))
    return {
      name: target.name,
      orgId: target.orgId,
      size,
      plan: planSync(size, pacing),
      previous,
      readCalls
    } satisfies ConnectionPlan
  }).pipe(Effect.withSpan("planConnection", { attributes: { connection: target.name } }))

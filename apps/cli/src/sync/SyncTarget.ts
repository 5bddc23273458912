/**
 * What one `seatsync sync` run syncs, from its arguments: a registered connection (its stored key, or the
 * variable `--api-key-env` names), an organisation id with a key from the environment (registered under
 * `--name` or the org id), or, with `--demo`, the simulator started in this process.
 */

import type { SqlClient, SqlError } from "@effect/sql"
import { unpaced } from "@seatsync/atlassian-client"
import { Simulator, type SimulatorError } from "@seatsync/atlassian-simulator"
import { ConnectionRules, type ConnectionSecrets, Connections } from "@seatsync/store"
import { type ApiKeyMissing, ConnectionRunner } from "@seatsync/sync"
import { Effect, Option, type ParseResult, Redacted, type Scope } from "effect"
import * as SimulatorClock from "../SimulatorClock.js"
import { UsageError } from "../UsageError.js"

export interface TargetArguments {
  readonly connection: Option.Option<string>
  readonly demo: boolean
  readonly users: number
  readonly seed: number
  readonly orgId: Option.Option<string>
  readonly apiKeyEnv: Option.Option<string>
  readonly name: Option.Option<string>
}

/** The connection to run and how to open it. */
export interface SyncTarget {
  readonly ref: ConnectionRunner.ConnectionRef
  readonly open: ConnectionRunner.OpenOptions
}

const keySource = (variable: Option.Option<string>): ConnectionRunner.ApiKeySource =>
  Option.match(variable, {
    onNone: () => ConnectionRunner.storedKey,
    onSome: (name) => ({ _tag: "Environment", variable: name })
  })

/** The in-process simulator, registered as `demo` (or `--name`), unpaced. */
const demoTarget = (args: TargetArguments) =>
  Effect.gen(function* () {
    const simulator = yield* Simulator.start({
      seed: args.seed,
      users: args.users,
      referenceTime: yield* SimulatorClock.startOfToday
    })
    const connection = yield* Connections.upsert({
      name: Option.getOrElse(args.name, () => "demo"),
      orgId: simulator.orgId
    })
    return {
      ref: connection,
      open: {
        trigger: "demo",
        apiKey: { _tag: "Given", apiKey: Redacted.make(simulator.apiKey) },
        // In this process: pacing for Atlassian's limits would only slow it down.
        endpoint: { adminBaseUrl: simulator.adminBaseUrl, pacing: unpaced }
      }
    } satisfies SyncTarget
  })

/** `--org-id` with a key from the environment: checked before anything is registered. */
const organisationTarget = (orgId: string, args: TargetArguments) =>
  Effect.gen(function* () {
    const id = orgId.trim()
    // A whole UUID, so that a truncated paste is a usage error here and not a 404 from Atlassian.
    yield* ConnectionRules.check({ typedOrgId: id }).pipe(
      Effect.mapError((violation) => new UsageError({ field: "--org-id", reason: violation.reason }))
    )
    const runner = yield* ConnectionRunner.ConnectionRunner
    const name = Option.getOrElse(args.name, () => id)
    const variable = Option.getOrElse(args.apiKeyEnv, () => "ATLASSIAN_API_KEY")
    const apiKey = yield* runner.apiKey({ name }, { _tag: "Environment", variable })
    const connection = yield* Connections.upsert({ name, orgId: id })
    return {
      ref: connection,
      open: { trigger: "cli", apiKey: { _tag: "Given", apiKey } }
    } satisfies SyncTarget
  })

/** The single target the arguments name, or a usage error saying what to give. */
export const syncTarget = (
  args: TargetArguments
): Effect.Effect<
  SyncTarget,
  | UsageError
  | ApiKeyMissing
  | ConnectionSecrets.SecretError
  | SimulatorError
  | SqlError.SqlError
  | ParseResult.ParseError,
  ConnectionRunner.ConnectionRunner | SqlClient.SqlClient | Scope.Scope
> => {
  if (Option.isSome(args.connection)) {
    return Effect.succeed<SyncTarget>({
      ref: { name: args.connection.value },
      open: { trigger: "cli", apiKey: keySource(args.apiKeyEnv) }
    })
  }
  if (args.demo) return demoTarget(args)
  if (Option.isSome(args.orgId)) return organisationTarget(args.orgId.value, args)
  return Effect.fail(
    new UsageError({
      field: "--org-id",
      reason: "give the organisation id with --org-id, or use --demo to sync the built-in simulator"
    })
  )
}

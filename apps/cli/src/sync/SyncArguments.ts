/** The checks on `seatsync sync`'s arguments that need no database: `--only` and `--all`'s exclusions. */
import { SyncScope } from "@seatsync/sync"
import { Effect, Option } from "effect"
import { UsageError } from "../UsageError.js"

/** `--only users,roles` → the scopes, or a clear error naming what is allowed. */
export const parseOnly = (value: Option.Option<string>) =>
  Effect.gen(function* () {
    if (Option.isNone(value)) return undefined
    const parts = value.value
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "")
    const unknown = parts.filter((part) => !(SyncScope as ReadonlyArray<string>).includes(part))
    if (parts.length === 0 || unknown.length > 0) {
      return yield* new UsageError({
        field: "--only",
        reason: `${unknown.length > 0 ? `unknown ${unknown.join(", ")}; ` : ""}choose from ${SyncScope.join(", ")}`
      })
    }
    return parts as ReadonlyArray<SyncScope>
  })

/** What `--all` cannot be combined with. */
export interface TargetArguments {
  readonly connection: Option.Option<string>
  readonly demo: boolean
  readonly orgId: Option.Option<string>
  readonly name: Option.Option<string>
  readonly apiKeyEnv: Option.Option<string>
}

/** --all syncs the registered connections with their stored keys: naming another target contradicts it. */
export const checkAll = (args: TargetArguments): Effect.Effect<void, UsageError> => {
  const conflicting = [
    Option.isSome(args.connection) ? `a connection name (${args.connection.value})` : "",
    args.demo ? "--demo" : "",
    Option.isSome(args.orgId) ? "--org-id" : "",
    Option.isSome(args.name) ? "--name" : "",
    Option.isSome(args.apiKeyEnv) ? "--api-key-env" : ""
  ].filter((part) => part !== "")
  return conflicting.length === 0
    ? Effect.void
    : new UsageError({
        field: "--all",
        reason: `--all syncs every registered connection with its stored key; drop ${conflicting.join(", ")} (or drop --all to sync one)`
      })
}

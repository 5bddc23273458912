/**
 * `seatsync connections list | show | remove`: look after what `seatsync connect` registered.
 */
import { Args, Command } from "@effect/cli"
import { Connections, Database } from "@seatsync/store"
import { ConnectionNotFound } from "@seatsync/sync"
import { Console, Effect, Option } from "effect"
import { withErrorReport } from "../ErrorReport.js"

const name = Args.text({ name: "name" }).pipe(Args.withDescription("The connection's name."))

/** `scheduled`, or when and after how many failures the worker paused it (the reason is in `show`). */
const stateOf = (connection: Connections.Connection): string =>
  connection.pausedAt === null
    ? `scheduled${connection.consecutiveFailures > 0 ? ` (${connection.consecutiveFailures} failed in a row)` : ""}`
    : `PAUSED since ${connection.pausedAt.toISOString()} after ${connection.consecutiveFailures} failures: ${connection.pausedReason ?? "-"} — resume with \`seatsync connect ${connection.name} --resume\``

const list = Command.make("list", {}, () =>
  Effect.gen(function* () {
    const connections = yield* Connections.list
    if (connections.length === 0) {
      yield* Console.log(
        "No connections yet: add one with `seatsync connect <name> --org-id … --api-key-stdin`."
      )
      return
    }
    for (const connection of connections) {
      yield* Console.log(
        `${connection.name.padEnd(20)} org ${connection.orgId}  site ${connection.siteUrl ?? "-"}  guard ${connection.guard}  ${connection.schedule} (${connection.timeZone})  ${stateOf(connection)}`
      )
    }
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "List the registered connections, with their schedule and state (scheduled, or paused and why).\n\n" +
      "Examples:\n" +
      "  seatsync connections list"
  )
)

const show = Command.make("show", { name }, (args) =>
  Effect.gen(function* () {
    const connection = yield* Connections.findByName(args.name)
    if (Option.isNone(connection)) return yield* new ConnectionNotFound({ connection: args.name })
    const c = connection.value
    yield* Console.log(
      [
        `name                 ${c.name}`,
        `org id               ${c.orgId}`,
        `site                 ${c.siteUrl ?? "-"}`,
        `guard                ${c.guard}`,
        `schedule             ${c.schedule} (${c.timeZone})`,
        `inactive after       ${c.inactiveAfterDays} days`,
        `API key              ${c.apiKeyCiphertext === null ? "from the environment" : "stored encrypted"}`,
        `Jira credentials     ${c.jiraEmail === null ? "none" : `${c.jiraEmail}, token set (stored encrypted)`}`,
        `state                ${stateOf(c)}`,
        ...(c.pausedReason === null ? [] : [`paused because       ${c.pausedReason}`]),
        `failures in a row    ${c.consecutiveFailures}`,
        `created / updated    ${c.createdAt.toISOString()} / ${c.updatedAt.toISOString()}`
      ].join("\n")
    )
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Show one connection: site, Guard, schedule, threshold, pause state and failure streak (never its key).\n\n" +
      "Examples:\n" +
      "  seatsync connections show acme"
  )
)

const remove = Command.make("remove", { name }, (args) =>
  Effect.gen(function* () {
    const removed = yield* Connections.remove(args.name)
    if (!removed) return yield* new ConnectionNotFound({ connection: args.name })
    yield* Console.log(`Removed connection ${args.name} and everything stored for it.`)
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Remove a connection and all its stored data (users, runs, history).\n\n" +
      "Examples:\n" +
      "  seatsync connections remove acme"
  )
)

export const connectionsCommand = Command.make("connections").pipe(
  Command.withDescription(
    "List, show or remove registered connections.\n\n" +
      "Examples:\n" +
      "  seatsync connections list\n" +
      "  seatsync connections show acme\n" +
      "  seatsync connections remove acme"
  ),
  Command.withSubcommands([list, show, remove])
)

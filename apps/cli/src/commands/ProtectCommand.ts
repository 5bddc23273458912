/**
 * `seatsync protect add | list | remove <connection>`: the accounts and groups a reviewer protects from
 * reclaim (service accounts, break-glass admins, people on leave) — one account, or every member of a group
 * — with who protected it (`--by`, default the OS user) and why (`--reason`, required). A protected account
 * never appears in `report reclaim`. Parsing and rendering only: protections live in `@seatsync/store`.
 */
import { userInfo } from "node:os"
import { Args, Command, Options } from "@effect/cli"
import { Connections, Database, Protection } from "@seatsync/store"
import { ConnectionNotFound } from "@seatsync/sync"
import { Console, Effect, Option } from "effect"
import { withErrorReport } from "../ErrorReport.js"
import { renderTable } from "../report/Table.js"
import { terminalText } from "../TerminalText.js"
import { UsageError } from "../UsageError.js"

const connectionArg = Args.text({ name: "connection" }).pipe(
  Args.withDescription(
    "The connection whose accounts and groups these are (see `seatsync connections list`)."
  )
)
const account = Options.text("account").pipe(
  Options.optional,
  Options.withDescription("The Atlassian account id to protect (or unprotect).")
)
const group = Options.text("group").pipe(
  Options.optional,
  Options.withDescription("The group id whose members to protect (or unprotect), now and as it changes.")
)

/** The OS user running the CLI, or "unknown" when the system has none. */
const osUser = (): string => {
  try {
    return userInfo().username || "unknown"
  } catch {
    return "unknown"
  }
}

/** Exactly one of `--account` and `--group`. */
const subjectOf = (args: {
  readonly account: Option.Option<string>
  readonly group: Option.Option<string>
}): Effect.Effect<Protection.Subject, UsageError> => {
  const accountId = Option.map(args.account, (id) => id.trim())
  const groupId = Option.map(args.group, (id) => id.trim())
  if (Option.isSome(accountId) && Option.isSome(groupId))
    return new UsageError({ field: "--account/--group", reason: "give one of them, not both" })
  if (Option.isSome(accountId) && accountId.value !== "")
    return Effect.succeed({ kind: "account", id: accountId.value })
  if (Option.isSome(groupId) && groupId.value !== "")
    return Effect.succeed({ kind: "group", id: groupId.value })
  return new UsageError({
    field: "--account/--group",
    reason: "give the account id (--account <id>) or the group id (--group <id>) to protect"
  })
}

const connectionNamed = (name: string) =>
  Effect.flatMap(Connections.findByName(name), (found) =>
    Option.isNone(found) ? new ConnectionNotFound({ connection: name }) : Effect.succeed(found.value)
  )

const subjectText = (protection: Pick<Protection.Protection, "kind" | "id" | "name" | "members">) =>
  terminalText(
    `${protection.kind} ${protection.id}${protection.name === null ? "" : ` (${protection.name})`}${
      protection.members === null
        ? ""
        : `, ${protection.members} member${protection.members === 1 ? "" : "s"} now`
    }`
  )

const reason = Options.text("reason").pipe(
  Options.withDescription("Why it must not be reclaimed (required): a service account, on leave until …")
)
const by = Options.text("by").pipe(
  Options.optional,
  Options.withDescription("Who decided (default the OS user name).")
)

const add = Command.make("add", { connection: connectionArg, account, group, reason, by }, (args) =>
  Effect.gen(function* () {
    const subject = yield* subjectOf(args)
    const why = args.reason.trim()
    if (why === "") return yield* new UsageError({ field: "--reason", reason: "say why it is protected" })
    const setBy = Option.getOrElse(
      Option.filter(
        Option.map(args.by, (name) => name.trim()),
        (name) => name !== ""
      ),
      osUser
    )
    const connection = yield* connectionNamed(args.connection)
    const stored = yield* Protection.protect(connection.id, subject, { reason: why, setBy })
    const unseen =
      stored.name === null ? ` (not in ${connection.name}'s last sync; protected all the same)` : ""
    yield* Console.log(
      `Protected ${subjectText(stored)} in ${connection.name}: ${terminalText(stored.reason)} (by ${terminalText(stored.setBy)})${unseen}.`
    )
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Protect an account, or every member of a group, from reclaim: it never appears in `report reclaim`. Protecting it again replaces who and why.\n\n" +
      "Examples:\n" +
      '  seatsync protect add acme --account 5b10ac8d82e05b22cc7d4ef5 --reason "break-glass admin"\n' +
      '  seatsync protect add acme --group service-accounts-id --reason "integrations" --by alice'
  )
)

const list = Command.make("list", { connection: connectionArg }, (args) =>
  Effect.gen(function* () {
    const connection = yield* connectionNamed(args.connection)
    const protections = yield* Protection.list(connection.id)
    if (protections.length === 0) {
      yield* Console.log(`Nothing is protected in ${connection.name}.`)
      return
    }
    const table = renderTable(
      [
        { header: "protected", maxWidth: 48 },
        { header: "why", maxWidth: 40 },
        { header: "by", maxWidth: 16 },
        { header: "since" }
      ],
      protections.map((row) => [
        subjectText(row),
        terminalText(row.reason),
        terminalText(row.setBy),
        row.setAt.toISOString().slice(0, 16).replace("T", " ")
      ])
    )
    yield* Console.log(
      `${protections.length} protection${protections.length === 1 ? "" : "s"} in ${connection.name}:\n\n${table}`
    )
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "List the protected accounts and groups of a connection, with why, who and since when.\n\n" +
      "Examples:\n" +
      "  seatsync protect list acme"
  )
)

const remove = Command.make("remove", { connection: connectionArg, account, group }, (args) =>
  Effect.gen(function* () {
    const subject = yield* subjectOf(args)
    const connection = yield* connectionNamed(args.connection)
    const removed = yield* Protection.unprotect(connection.id, subject)
    if (!removed)
      return yield* new UsageError({
        field: subject.kind === "account" ? "--account" : "--group",
        reason: `${terminalText(subject.id)} is not protected in ${connection.name} (see \`seatsync protect list ${connection.name}\`)`
      })
    yield* Console.log(
      `${subject.kind === "account" ? "Account" : "Group"} ${terminalText(subject.id)} is no longer protected in ${connection.name}.`
    )
  }).pipe(Effect.provide(Database.layer), withErrorReport)
).pipe(
  Command.withDescription(
    "Remove a protection: the account (or the group's members) can be reclaim candidates again.\n\n" +
      "Examples:\n" +
      "  seatsync protect remove acme --account 5b10ac8d82e05b22cc7d4ef5"
  )
)

export const protectCommand = Command.make("protect").pipe(
  Command.withDescription(
    "Accounts and groups that must never be reclaimed (service accounts, break-glass admins, people on leave), each with who protected it and why; `report reclaim` leaves them out and says how many.\n\n" +
      "Examples:\n" +
      '  seatsync protect add acme --account 5b10ac8d82e05b22cc7d4ef5 --reason "break-glass admin"\n' +
      "  seatsync protect list acme\n" +
      "  seatsync protect remove acme --group service-accounts-id"
  ),
  Command.withSubcommands([add, list, remove])
)

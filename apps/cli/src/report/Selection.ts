/**
 * What a report covers: every registered connection or one (by name, or the demo connection), an inactivity
 * threshold overriding theirs, and the moment the report is taken.
 */
import { Connections } from "@seatsync/store"
import { ConnectionNotFound } from "@seatsync/sync"
import { Clock, Effect, Option } from "effect"
import { UsageError } from "../UsageError.js"

export interface Selection {
  readonly connections: ReadonlyArray<Connections.Connection>
  /** True when `connections` is one named connection (queries filter by it); false for all of them. */
  readonly single: boolean
  readonly inactiveAfterDays: number | undefined
  readonly generatedAt: Date
  /** Where a period report (`changes`) starts: `--since`, else seven days before `generatedAt`. */
  readonly since?: Date | undefined
}

/** The connection `seatsync sync --demo` records its runs under (unless given `--name`). */
export const demoConnectionName = "demo"

/** The connection id a store query filters by: the named one, or undefined for every connection. */
export const connectionIdOf = (selection: Selection) =>
  selection.single ? selection.connections[0]?.id : undefined

/**
 * Looks the named connection up (or lists them all) and takes the report's moment, once connected; an unknown
 * name is a usage error (exit 2).
 */
export const select = (options: {
  readonly connection: Option.Option<string>
  readonly demo: boolean
  readonly inactiveAfterDays: number | undefined
}) =>
  Effect.gen(function* () {
    const generatedAt = new Date(yield* Clock.currentTimeMillis)
    const { inactiveAfterDays } = options
    const name = options.demo ? Option.some(demoConnectionName) : options.connection
    if (Option.isNone(name)) {
      const connections = yield* Connections.list
      return { connections, single: false, inactiveAfterDays, generatedAt } satisfies Selection
    }
    const found = yield* Connections.findByName(name.value)
    if (Option.isNone(found)) {
      return yield* options.demo
        ? new UsageError({
            field: "connection",
            reason: "there is no demo connection yet; run `seatsync sync --demo` first"
          })
        : new ConnectionNotFound({ connection: name.value })
    }
    return { connections: [found.value], single: true, inactiveAfterDays, generatedAt } satisfies Selection
  })

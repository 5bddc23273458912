/**
 * `seatsync sync --plan`: what a full sync of the target would cost, read and printed without syncing — the
 * organisation's counts (role holders counted per product × role), the calls per listing and in total, and
 * the least wall time at the pacing in force. Nothing is registered, recorded or staged: a connection is
 * only looked up, `--demo` starts its simulator without storing a connection, and `--org-id` is planned
 * unregistered.
 */
import { defaultPacing, unpaced } from "@seatsync/atlassian-client"
import { Simulator } from "@seatsync/atlassian-simulator"
import { ConnectionRules, Connections } from "@seatsync/store"
import {
  type ConnectionPlan,
  ConnectionRunner,
  formatWallTime,
  type PlanTarget,
  pacedSeconds,
  planConnection
} from "@seatsync/sync"
import { Console, Effect, Option, Redacted } from "effect"
import * as SimulatorClock from "../SimulatorClock.js"
import { UsageError } from "../UsageError.js"
import type { TargetArguments } from "./SyncTarget.js"

/** A plan needs a target: checked before the database is opened, like every usage error. */
export const checkPlanTarget = (args: TargetArguments): Effect.Effect<void, UsageError> =>
  Option.isSome(args.connection) || args.demo || Option.isSome(args.orgId)
    ? Effect.void
    : new UsageError({ field: "--plan", reason: "name a connection, --org-id or --demo to plan" })

/** The target and how to read it, without writing anything. */
const planTarget = (args: TargetArguments) =>
  Effect.gen(function* () {
    const runner = yield* ConnectionRunner.ConnectionRunner
    if (Option.isSome(args.connection)) {
      const connection = yield* runner.find({ name: args.connection.value })
      const apiKey: ConnectionRunner.ApiKeySource = Option.match(args.apiKeyEnv, {
        onNone: () => ConnectionRunner.storedKey,
        onSome: (variable) => ({ _tag: "Environment", variable })
      })
      return { target: connection as PlanTarget, options: { apiKey } }
    }
    if (args.demo) {
      const simulator = yield* Simulator.start({
        seed: args.seed,
        users: args.users,
        referenceTime: yield* SimulatorClock.startOfToday
      })
      const name = Option.getOrElse(args.name, () => "demo")
      // What `sync --demo` stored for this organisation, if it ran: its last run is shown beside the plan.
      const stored = Option.filter(
        yield* Connections.findByName(name),
        (connection) => connection.orgId === simulator.orgId
      )
      return {
        target: Option.getOrElse(stored, (): PlanTarget => ({ name, orgId: simulator.orgId })),
        options: {
          apiKey: { _tag: "Given", apiKey: Redacted.make(simulator.apiKey) } as ConnectionRunner.ApiKeySource,
          // As `sync --demo` runs it: in this process, unpaced.
          endpoint: { adminBaseUrl: simulator.adminBaseUrl, pacing: unpaced }
        }
      }
    }
    if (Option.isSome(args.orgId)) {
      const orgId = args.orgId.value.trim()
      yield* ConnectionRules.check({ typedOrgId: orgId }).pipe(
        Effect.mapError((violation) => new UsageError({ field: "--org-id", reason: violation.reason }))
      )
      const variable = Option.getOrElse(args.apiKeyEnv, () => "ATLASSIAN_API_KEY")
      return {
        target: { name: Option.getOrElse(args.name, () => orgId), orgId } as PlanTarget,
        options: { apiKey: { _tag: "Environment", variable } as ConnectionRunner.ApiKeySource }
      }
    }
    return yield* new UsageError({
      field: "--plan",
      reason: "name a connection, --org-id or --demo to plan"
    })
  })

/** The wall-time sentence of a plan: the least the pacing allows, or why there is none. */
export const wallTimeText = (planned: ConnectionPlan): string => {
  const { plan } = planned
  return plan.wallSeconds === undefined
    ? `unpaced (no client-side limit: latency alone sets the time; at Atlassian's default ${defaultPacing.requestsPerSecond} calls/s it would take at least ${formatWallTime(pacedSeconds(plan.totalCalls, defaultPacing) ?? 0)})`
    : `at least ${formatWallTime(plan.wallSeconds)} at ${plan.pacing.requestsPerSecond} calls/s (burst ${plan.pacing.burst})`
}

/** The plan as text: a heading, one line per listing, the counts it rests on and its assumptions. */
export const renderPlan = (planned: ConnectionPlan): string => {
  const { plan, size } = planned
  const width = Math.max(...plan.listings.map((listing) => listing.name.length), 7)
  const row = (name: string, listings: string, calls: string) =>
    `  ${name.padEnd(width)}  ${listings.padStart(8)}  ${calls.padStart(7)}`
  const holders =
    size.roleHolders._tag === "Counted"
      ? `role holders counted per product × role (${size.roleHolders.perListing.reduce((sum, n) => sum + n, 0)})`
      : `role holders estimated at ${size.roleHolders.total} from ${size.roleHolders.basis}`
  return [
    `Plan of a full sync of ${planned.name} (org ${planned.orgId}): ${plan.totalCalls} API calls${plan.exact ? "" : " (estimated)"}, ${wallTimeText(planned)}`,
    "",
    row("listing", "listings", "calls"),
    ...plan.listings.map((listing) =>
      row(`${listing.name}${listing.exact ? "" : " ~"}`, String(listing.listings), String(listing.calls))
    ),
    row("total", "", String(plan.totalCalls)),
    "",
    `Counts read now: ${size.users} users, ${size.groups} groups, ${size.directories} directories, ${size.products} products; ${holders}. Reading them took ${planned.readCalls} calls.`,
    ...Option.match(planned.previous, {
      onNone: () => [],
      onSome: (previous) => [
        `The last succeeded full run (#${previous.runId}) made ${previous.apiCalls} calls.`
      ]
    }),
    "No last-active-dates call: the backfill is separate (seatsync backfill).",
    "Assumes:",
    ...plan.assumptions.map((assumption) => `  - ${assumption}`),
    "Nothing was synced or written."
  ].join("\n")
}

/** `sync --plan [--json]`: reads the counts, prints the plan. */
export const printPlan = (args: TargetArguments, asJson: boolean) =>
  Effect.gen(function* () {
    const { target, options } = yield* planTarget(args)
    const planned = yield* planConnection(target, { ...options, roleHolders: "count" })
    yield* asJson
      ? Console.log(JSON.stringify({ ...planned, previous: Option.getOrNull(planned.previous) }))
      : Console.log(renderPlan(planned))
  })

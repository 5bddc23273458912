/**
 * `seatsync simulator`: serves the seeded Atlassian Admin API simulator (and the site endpoints) on a port
 * until Ctrl-C, for trying seatsync, other tools or a client against a realistic organisation — with faults
 * injected on demand — without an Atlassian account. Its clock is today's, like `sync --demo`'s, unless
 * `--as-of` asks for another day. `--print-env` prints the environment that points seatsync at a simulator
 * serving on the port — its Admin API, key, org id and site, and the switch that lets a connection's site be
 * that plain-http local address — once it answers.
 */
import { Command, Options } from "@effect/cli"
import { FaultSpec, Organisation, Simulator } from "@seatsync/atlassian-simulator"
import { Duration, Effect, Either, Option, Schedule } from "effect"
import { withErrorReport } from "../ErrorReport.js"
import * as SimulatorClock from "../SimulatorClock.js"
import { UsageError } from "../UsageError.js"

const users = Options.integer("users").pipe(
  Options.withDefault(500),
  Options.withDescription("Users in the organisation.")
)
const port = Options.integer("port").pipe(
  Options.withDefault(4010),
  Options.withDescription("Port to listen on (127.0.0.1).")
)
const seed = Options.integer("seed").pipe(
  Options.withDefault(1),
  Options.withDescription("Seed: same seed, same data.")
)
const apiKey = Options.text("api-key").pipe(
  Options.optional,
  Options.withDescription(
    `The only Bearer key accepted (default: ${Simulator.defaultApiKey}, printed at start).`
  )
)
const faults = Options.text("faults").pipe(
  Options.optional,
  Options.withDescription(
    "Faults to inject, comma-separated `target:action[:option…]`, e.g. " +
      "`searchDirectoryUsers:status=503:calls=2-4,*:latency=50,lastActive:ratelimit=200/min,getOrgById:reset:nth=1`. " +
      "Actions: status=N, ratelimit=N/min, latency=ms[~jitter], reset, malformed, truncated, revoke."
  )
)

const asOf = Options.text("as-of").pipe(
  Options.optional,
  Options.withDescription(
    "The simulated organisation's today, YYYY-MM-DD: activity dates lie before it (default: today, like sync --demo)."
  )
)
const printEnv = Options.boolean("print-env").pipe(
  Options.withDescription(
    "Print the shell environment for the simulator serving on --port (same --seed, --users, --as-of, --api-key), " +
      'once it answers (up to 30 s), and exit: eval "$(seatsync simulator --port 4010 --print-env)".'
  )
)

/** A calendar day written YYYY-MM-DD. */
const isDay = (day: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(day) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day)

interface SimulatorArguments {
  readonly users: number
  readonly port: number
  readonly seed: number
  readonly apiKey: Option.Option<string>
  readonly asOf: Option.Option<string>
}

/** How long `--print-env` waits for the simulator on the port to answer. */
const answerWithin = Duration.seconds(30)

/** The status the simulator on the port gives the organisation this seed makes, or a failure to connect. */
const orgStatus = (adminBaseUrl: string, orgId: string, key: string) =>
  Effect.tryPromise(() =>
    fetch(`${adminBaseUrl}/v1/orgs/${orgId}`, { headers: { Authorization: `Bearer ${key}` } }).then(
      (response) => response.status
    )
  )

/**
 * `--print-env`: the environment for the simulator on the port, after checking that it serves this
 * organisation with this key. `SEATSYNC_UNSAFE_ANY_SITE_HOST` lets a connection's site be the simulator's
 * plain-http address: printed here, for this shell, never a default.
 */
const printEnvironment = (args: SimulatorArguments) =>
  Effect.gen(function* () {
    const organisation = Organisation.make({
      seed: args.seed,
      users: args.users,
      referenceTime: yield* SimulatorClock.referenceTime(Option.getOrUndefined(args.asOf))
    })
    const baseUrl = `http://127.0.0.1:${args.port}`
    const adminBaseUrl = `${baseUrl}/admin`
    const key = Option.getOrElse(args.apiKey, () => Simulator.defaultApiKey)
    const status = yield* orgStatus(adminBaseUrl, organisation.orgId, key).pipe(
      Effect.retry(Schedule.spaced("250 millis").pipe(Schedule.upTo(answerWithin))),
      Effect.mapError(
        () =>
          new UsageError({
            field: "--port",
            reason: `nothing answers on ${baseUrl} after ${Duration.format(answerWithin)}: start \`seatsync simulator --port ${args.port}\` first (in another terminal, or in the background with &)`
          })
      )
    )
    if (status !== 200) {
      return yield* new UsageError({
        field: "--print-env",
        reason: `the simulator on ${baseUrl} does not serve org ${organisation.orgId} with this key (HTTP ${status}): give --print-env the same --seed, --users and --api-key as the running simulator`
      })
    }
    const lines = [
      `# the seatsync simulator on ${baseUrl}: ${organisation.name} (${organisation.userCount} users, as of ${organisation.referenceTime.slice(0, 10)})`,
      `export ATLASSIAN_ADMIN_BASE_URL=${adminBaseUrl}`,
      Option.isSome(args.apiKey)
        ? "# ATLASSIAN_API_KEY: the key given to the simulator with --api-key (not printed)"
        : `export ATLASSIAN_API_KEY=${key}`,
      `export SEATSYNC_SIMULATOR_ORG_ID=${organisation.orgId}`,
      `export SEATSYNC_SIMULATOR_SITE=${baseUrl}`,
      "# the simulator's site is plain http on 127.0.0.1, not https://<name>.atlassian.net: allowed for this shell only, never in production",
      "export SEATSYNC_UNSAFE_ANY_SITE_HOST=true"
    ]
    yield* Effect.sync(() => process.stdout.write(`${lines.join("\n")}\n`))
  })

export const simulatorCommand = Command.make(
  "simulator",
  { users, port, seed, apiKey, faults, asOf, printEnv },
  (args) =>
    Effect.gen(function* () {
      const parsed = FaultSpec.parseFaultSpec(Option.getOrElse(args.faults, () => ""))
      if (Either.isLeft(parsed)) {
        return yield* new UsageError({ field: "--faults", reason: parsed.left.message })
      }
      const day = Option.getOrUndefined(args.asOf)
      if (day !== undefined && !isDay(day)) {
        return yield* new UsageError({ field: "--as-of", reason: `"${day}" is not a date as YYYY-MM-DD` })
      }
      if (args.printEnv) return yield* printEnvironment(args)
      return yield* Simulator.runStandalone({
        users: args.users,
        port: args.port,
        seed: args.seed,
        faults: parsed.right,
        referenceTime: yield* SimulatorClock.referenceTime(Option.getOrUndefined(args.asOf)),
        ...(Option.isSome(args.apiKey) ? { apiKey: args.apiKey.value } : {})
      })
    }).pipe(withErrorReport)
).pipe(
  Command.withDescription(
    "Serve the simulated Atlassian Admin API (a seeded organisation, optionally with faults) until Ctrl-C.\n\n" +
      "Examples:\n" +
      "  seatsync simulator --port 4010 &\n" +
      '  eval "$(seatsync simulator --port 4010 --print-env)"\n' +
      '  seatsync connect sim --org-id "$SEATSYNC_SIMULATOR_ORG_ID" --site "$SEATSYNC_SIMULATOR_SITE" --key-expires 2099-12-31\n' +
      "  seatsync simulator --users 10000 --port 4011 --api-key KEY --as-of 2026-09-01\n" +
      "  seatsync simulator --faults 'searchDirectoryUsers:status=503:calls=2-3'"
  )
)

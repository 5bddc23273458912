/**
 * `seatsync simulator`: serves the seeded Atlassian Admin API simulator (and the site endpoints) on a port
 * until Ctrl-C, for trying seatsync, other tools or a client against a realistic organisation — with faults
 * injected on demand — without an Atlassian account.
 */
import { Command, Options } from "@effect/cli"
import { FaultSpec, Simulator } from "@seatsync/atlassian-simulator"
import { Effect, Either, Option } from "effect"
import { withErrorReport } from "../ErrorReport.js"
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

export const simulatorCommand = Command.make("simulator", { users, port, seed, apiKey, faults }, (args) =>
  Effect.gen(function* () {
    const parsed = FaultSpec.parseFaultSpec(Option.getOrElse(args.faults, () => ""))
    if (Either.isLeft(parsed)) {
      return yield* new UsageError({ field: "--faults", reason: parsed.left.message })
    }
    return yield* Simulator.runStandalone({
      users: args.users,
      port: args.port,
      seed: args.seed,
      faults: parsed.right,
      ...(Option.isSome(args.apiKey) ? { apiKey: args.apiKey.value } : {})
    })
  }).pipe(withErrorReport)
).pipe(
  Command.withDescription(
    "Serve the simulated Atlassian Admin API (a seeded organisation, optionally with faults) until Ctrl-C.\n\n" +
      "Examples:\n" +
      "  seatsync simulator --users 10000 --port 4010 --api-key KEY\n" +
      "  seatsync simulator --faults 'searchDirectoryUsers:status=503:calls=2-3'\n" +
      "  ATLASSIAN_ADMIN_BASE_URL=http://127.0.0.1:4010/admin ATLASSIAN_API_KEY=KEY seatsync sync --org-id <printed org>"
  )
)

/**
 * `seatsync simulator`: serves the seeded Atlassian Admin API simulator on a port until Ctrl-C, for trying
 * seatsync, other tools or a client against a realistic organisation without an Atlassian account.
 */
import { Command, Options } from "@effect/cli"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Console, Effect, Option } from "effect"
import { withErrorReport } from "../ErrorReport.js"

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

export const simulatorCommand = Command.make("simulator", { users, port, seed, apiKey }, (args) =>
  Effect.gen(function* () {
    const simulator = yield* Simulator.start({
      users: args.users,
      port: args.port,
      seed: args.seed,
      ...(Option.isSome(args.apiKey) ? { apiKey: args.apiKey.value } : {})
    })
    const key = Option.isSome(args.apiKey) ? "(as given)" : simulator.apiKey
    yield* Console.log(
      `seatsync simulator listening on ${simulator.baseUrl} (org ${simulator.orgId}, key ${key}); ` +
        `Admin API at ${simulator.adminBaseUrl}`
    )
    return yield* Effect.never
  }).pipe(Effect.scoped, withErrorReport)
).pipe(
  Command.withDescription(
    "Serve the simulated Atlassian Admin API until Ctrl-C. Example:\n" +
      "  seatsync simulator --users 10000 --port 4010 --api-key KEY\n" +
      "  ATLASSIAN_ADMIN_BASE_URL=http://127.0.0.1:4010/admin ATLASSIAN_API_KEY=KEY seatsync sync --org-id <printed org>"
  )
)

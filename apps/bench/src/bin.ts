#!/usr/bin/env node
/**
 * `npm run bench`: the full-size scenario (a large organisation from a zero-latency simulator, against a raw
 * COPY of the same rows) by default; `--scenario rate-limit` runs the latency/rate-limit scenario instead, and
 * `--scenario fleet` a fleet of organisations on several worker replicas. Each writes its figures to
 * docs/benchmarks.md.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { argWord } from "./Arguments.js"
import { fleetScenario } from "./FleetScenario.js"
import { fullScenario } from "./FullScenario.js"
import { rateLimitScenario } from "./RateLimitScenario.js"

const scenarios = { full: fullScenario, "rate-limit": rateLimitScenario, fleet: fleetScenario } as const
const scenario = argWord("scenario", "full")

const program =
  scenario === "full" || scenario === "rate-limit" || scenario === "fleet"
    ? scenarios[scenario]
    : Console.error(
        `Unknown scenario "${scenario}": use --scenario full (the default), rate-limit or fleet.`
      ).pipe(Effect.zipRight(Effect.sync(() => process.exit(2))))

program.pipe(NodeRuntime.runMain)

#!/usr/bin/env node
/**
 * `npm run bench`: the full-size scenario (a large organisation from a zero-latency simulator, against a raw
 * COPY of the same rows) by default; `--scenario rate-limit` runs the latency/rate-limit scenario instead.
 * Both write their figures to docs/benchmarks.md.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { argWord } from "./Arguments.js"
import { fullScenario } from "./FullScenario.js"
import { rateLimitScenario } from "./RateLimitScenario.js"

const scenarios = { full: fullScenario, "rate-limit": rateLimitScenario } as const
const scenario = argWord("scenario", "full")

const program =
  scenario === "full" || scenario === "rate-limit"
    ? scenarios[scenario]
    : Console.error(
        `Unknown scenario "${scenario}": use --scenario full (the default) or --scenario rate-limit.`
      ).pipe(Effect.zipRight(Effect.sync(() => process.exit(2))))

program.pipe(NodeRuntime.runMain)

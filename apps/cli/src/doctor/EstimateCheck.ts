/**
 * The doctor's sync estimate: how many API calls the next full sync makes and the least wall time the pacing
 * allows (`SyncPlan`), from the counts read now. Role holders come from the last succeeded run (or
 * `users/stats`, a lower bound) so that doctor adds no call per product role; `sync --plan` counts them.
 */
import { formatWallTime } from "@seatsync/sync"
import { Either, Option } from "effect"
import { type Check, pass, warn } from "./Check.js"
import type { Observations } from "./Observations.js"

/** Undefined when the API was not probed (the checks above say why). */
export const estimateCheck = (observations: Observations): Check | undefined => {
  const { estimate, subject } = observations
  const planCommand = subject.demo ? "seatsync sync --demo --plan" : `seatsync sync ${subject.name} --plan`
  if (estimate === undefined) return undefined
  return Either.match(estimate, {
    onLeft: (error) =>
      warn(
        "sync estimate",
        `the counts could not be read: ${error.message}`,
        `\`${planCommand}\` once fixed`
      ),
    onRight: ({ size, plan, previousCalls }) => {
      const time =
        plan.wallSeconds === undefined
          ? "unpaced"
          : `at least ${formatWallTime(plan.wallSeconds)} at ${plan.pacing.requestsPerSecond} calls/s`
      const basis =
        size.roleHolders._tag === "Counted"
          ? "role holders counted"
          : size.roleHolders.basis === "previous run"
            ? "role holders from the last run"
            : "role holders from users/stats, a lower bound"
      const last = Option.match(previousCalls, {
        onNone: () => "",
        onSome: (calls) => `; the last full run made ${calls}`
      })
      return pass(
        "sync estimate",
        `~${plan.totalCalls} API calls for ${size.users} users, ${size.groups} groups, ${size.products} products, ${time} (${basis}${last}); exact: \`${planCommand}\``
      )
    }
  })
}

/**
 * The doctor's reconciliation check: whether the last run's enumeration agreed with the organisation's own
 * counts (`users/count`, `groups/count`), and whether it kept rows it did not see (drift or quarantine).
 */
import { Option } from "effect"
import { type Check, pass, warn } from "./Check.js"
import type { Observations } from "./Observations.js"

const labels: Readonly<Record<string, string>> = { org_user: "users", org_group: "groups" }

/** Undefined when there is nothing to judge: never synced, or the last run recorded no reconciliation. */
export const reconciliationCheck = (observations: Observations): Check | undefined => {
  const run = Option.getOrUndefined(observations.lastRun)
  const reconciliation = run?.reconciliation ?? null
  if (run === undefined || reconciliation === null) return undefined
  const syncAgain = observations.subject.demo
    ? "seatsync sync --demo"
    : `seatsync sync ${observations.subject.name}`
  const entities = Object.entries(reconciliation.entities)
  const counts = entities
    .map(
      ([entity, r]) =>
        `${labels[entity] ?? entity} ${r.expectedAfter} expected / ${r.listed} listed / ${r.stored} stored`
    )
    .join(", ")
  const drifted = entities.filter(([, r]) => r.drift)
  if (drifted.length > 0) {
    const what = drifted
      .map(
        ([entity, r]) =>
          `${labels[entity] ?? entity}: the organisation counts ${r.expectedBefore === r.expectedAfter ? r.expectedAfter : `${r.expectedBefore}→${r.expectedAfter}`}, run ${run.id} listed ${r.listed} (tolerance ${r.tolerance})`
      )
      .join("; ")
    return warn(
      "reconciliation",
      `DRIFT — ${what}; rows not seen were kept, not removed`,
      `\`${syncAgain}\` again; if the counts still disagree, the listing is incomplete: report it to Atlassian support`
    )
  }
  const quarantined = reconciliation.kept.filter((entry) => entry.reason === "quarantine")
  if (quarantined.length > 0) {
    return warn(
      "reconciliation",
      `${counts}; run ${run.id} quarantined records, so the unseen rows of ${quarantined.map((entry) => entry.entity).join(", ")} were kept`,
      `See the quarantined records and their reasons in seatsync.quarantine (run ${run.id})`
    )
  }
  return pass("reconciliation", counts === "" ? `run ${run.id} counted nothing` : counts)
}

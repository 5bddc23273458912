/**
 * Which entities a run may soft-delete from: those it enumerated completely. An entity is complete when
 * the run's scope read it, its listing agreed with the organisation's counts (no drift), and nothing it
 * consists of or depends on was quarantined this run. Every other entity keeps its unseen stored rows.
 */
import type { SyncRuns } from "@seatsync/store"
import type { SyncEntity } from "./Progress.js"
import type { SyncScope } from "./RunSync.js"

/** What a run can decide about completeness: which entities it read, and why it must keep rows. */
export interface Completeness {
  readonly complete: Readonly<Partial<Record<SyncEntity, boolean>>>
  /** Entities the scope read but that are not soft-deleted from this run, with the reason. */
  readonly kept: ReadonlyArray<SyncRuns.KeptEntity>
}

/** The entities each quarantined or drifting entity takes with it: their rows are built from its records. */
const dependents: Readonly<Record<string, ReadonlyArray<SyncEntity>>> = {
  // A quarantined or unlisted user's memberships and roles were not staged either.
  org_user: ["org_user", "group_membership", "product_role"],
  org_group: ["org_group"],
  product: ["product"],
  product_role: ["product_role"],
  group_membership: ["group_membership"],
  product_activity: ["product_activity"]
}

/**
 * A quarantined record takes more with it than an unlisted one: a quarantined group's memberships were not
 * staged (the users listing drops them), so its stored memberships are kept as they were. An unlisted group's
 * memberships still come with its members' records.
 */
const quarantineDependents: Readonly<Record<string, ReadonlyArray<SyncEntity>>> = {
  ...dependents,
  org_group: ["org_group", "group_membership"]
}

/** Which entities the scope enumerates completely, before quarantine and reconciliation. */
export const scopeCompleteness = (scope: ReadonlySet<SyncScope>): Partial<Record<SyncEntity, boolean>> => ({
  product: true,
  org_user: scope.has("users"),
  group_membership: scope.has("users"),
  org_group: scope.has("groups"),
  product_role: scope.has("roles"),
  product_activity: scope.has("users") && scope.has("activity")
})

export const completeness = (
  scope: ReadonlySet<SyncScope>,
  quarantined: Readonly<Record<string, number>>,
  reconciliation: Pick<SyncRuns.Reconciliation, "entities">
): Completeness => {
  const complete = { ...scopeCompleteness(scope) }
  const kept: Array<SyncRuns.KeptEntity> = []
  const keep = (entity: string, reason: SyncRuns.KeptEntity["reason"]) => {
    for (const dependent of (reason === "quarantine" ? quarantineDependents : dependents)[entity] ?? []) {
      if (complete[dependent] !== true) continue
      complete[dependent] = false
      kept.push({ entity: dependent, reason })
    }
  }
  for (const [entity, counts] of Object.entries(reconciliation.entities))
    if (counts.drift) keep(entity, "drift")
  for (const [entity, count] of Object.entries(quarantined)) if (count > 0) keep(entity, "quarantine")
  return { complete, kept }
}

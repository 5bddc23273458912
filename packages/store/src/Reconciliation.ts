/**
 * A run's reconciliation, as the run ledger stores it: the organisation's own counts (read before and after
 * the listings) against what the run enumerated, per counted entity, with the tolerance and the verdict.
 */
import { Schema } from "effect"

/** One counted entity: `org_user` against `users/count`, `org_group` against `groups/count`. */
export const EntityReconciliation = Schema.Struct({
  /** The organisation's count before the listings. */
  expectedBefore: Schema.Int,
  /** The organisation's count after the listings. */
  expectedAfter: Schema.Int,
  /** Distinct records the listing returned (stored plus quarantined). */
  listed: Schema.Int,
  /** Records staged for the merge (the listed ones that were not quarantined). */
  stored: Schema.Int,
  /** How far `listed` may lie outside [before, after] and still agree. */
  tolerance: Schema.Int,
  /** True when it lay further: the run kept every row of this entity it did not see. */
  drift: Schema.Boolean
})
export type EntityReconciliation = typeof EntityReconciliation.Type

/** Users per directory (`users/stats`, the sum of its account-status counts), before and after. */
export const DirectoryUsers = Schema.Struct({
  directoryId: Schema.String,
  usersBefore: Schema.Int,
  usersAfter: Schema.Int
})
export type DirectoryUsers = typeof DirectoryUsers.Type

/**
 * An entity the run enumerated but did not soft-delete from: its enumeration drifted from the counts, or
 * some of its records (or records it depends on) were quarantined. Its unseen stored rows were kept.
 */
export const KeptEntity = Schema.Struct({
  entity: Schema.String,
  reason: Schema.Literal("drift", "quarantine")
})
export type KeptEntity = typeof KeptEntity.Type

export const Reconciliation = Schema.Struct({
  entities: Schema.Record({ key: Schema.String, value: EntityReconciliation }),
  directories: Schema.Array(DirectoryUsers),
  kept: Schema.Array(KeptEntity)
})
export type Reconciliation = typeof Reconciliation.Type

/** The entities whose enumeration drifted beyond the tolerance. */
export const drifted = (reconciliation: Reconciliation | null): ReadonlyArray<string> =>
  reconciliation === null
    ? []
    : Object.entries(reconciliation.entities)
        .filter(([, entity]) => entity.drift)
        .map(([name]) => name)

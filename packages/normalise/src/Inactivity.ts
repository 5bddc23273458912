/**
 * Inactivity classification per user × product, with the evidence kept next to the verdict. The store's
 * `seatsync.seat_verdict` SQL function applies the same rules to stored rows.
 */
import { Schema } from "effect"
import type { ActivitySource, ProductActivity } from "./ProductActivity.js"

export const Verdict = Schema.Literal("active", "inactive", "never_active", "no_data", "recently_added")
export type Verdict = typeof Verdict.Type

export interface InactivityPolicy {
  /** When the classification happens. */
  readonly now: Date
  /** Active means last active within this many days (the connection's `inactiveAfterDays`, default 90). */
  readonly inactiveAfterDays: number
  /** Users added to the organisation within this many days are `recently_added`, not inactive (default 14). */
  readonly graceDays?: number
}

/** What the verdict rests on. */
export interface InactivityEvidence {
  readonly lastActiveAt: Date | null
  readonly source: ActivitySource | null
  readonly observedAt: Date | null
  readonly daysSinceActive: number | null
  readonly daysSinceAdded: number | null
  readonly managed: boolean | null
}

export interface Classification {
  readonly verdict: Verdict
  readonly evidence: InactivityEvidence
}

export const defaultGraceDays = 14

const DAY = 86_400_000
const daysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / DAY)

/**
 * Rules, in order: last active within `inactiveAfterDays` → `active`; added within the grace period →
 * `recently_added`; no activity row → `no_data` (e.g. an unmanaged account the bulk data does not cover);
 * an activity row saying never → `never_active`; otherwise `inactive`.
 */
export const classifyInactivity = (
  policy: InactivityPolicy,
  user: { readonly addedToOrg: Date | null; readonly claimStatus: string | null },
  activity: ProductActivity | undefined
): Classification => {
  const lastActiveAt = activity?.lastActiveAt ?? null
  const daysSinceActive = lastActiveAt === null ? null : daysBetween(lastActiveAt, policy.now)
  const daysSinceAdded = user.addedToOrg === null ? null : daysBetween(user.addedToOrg, policy.now)
  const evidence: InactivityEvidence = {
    lastActiveAt,
    source: activity?.source ?? null,
    observedAt: activity?.observedAt ?? null,
    daysSinceActive,
    daysSinceAdded,
    managed: user.claimStatus === null ? null : user.claimStatus === "managed"
  }
  const verdict: Verdict =
    daysSinceActive !== null && daysSinceActive < policy.inactiveAfterDays
      ? "active"
      : daysSinceAdded !== null && daysSinceAdded < (policy.graceDays ?? defaultGraceDays)
        ? "recently_added"
        : activity === undefined
          ? "no_data"
          : lastActiveAt === null
            ? "never_active"
            : "inactive"
  return { verdict, evidence }
}

/**
 * The Atlassian Guard count of a run: the managed accounts Guard bills (`access_billable`), which only the v1
 * managed-accounts listing says (no API lists Guard-billable users). Walked once per run, page by page, for a
 * connection with Guard enabled; the accounts are counted, never kept, so memory stays flat whatever the
 * organisation's size. A failed page fails the walk (and the run) like any listing: never a silent zero.
 */
import type { AtlassianError } from "@seatsync/atlassian-client"
import { Effect, Stream } from "effect"
import type { ExtractContext } from "./ExtractContext.js"

/** What the walk counted: every managed account listed, and those Guard bills. */
export interface GuardCount {
  readonly listed: number
  readonly billable: number
}

/** Walks the managed accounts of the context's organisation to its last page and counts them. */
export const extractGuard = (context: ExtractContext): Effect.Effect<GuardCount, AtlassianError> =>
  context.client.managedAccounts(context.orgId).pipe(
    Stream.runFold(
      { listed: 0, billable: 0 },
      (count, account): GuardCount => ({
        listed: count.listed + 1,
        billable: count.billable + (account.access_billable === true ? 1 : 0)
      })
    ),
    Effect.withSpan("extractGuard", { attributes: { orgId: context.orgId } })
  )

/** The run ledger's counters of a Guard walk (`guard.listed` feeds the next plan's managed-accounts line). */
export const guardEntityCounts = (count: GuardCount | undefined): Record<string, number> =>
  count === undefined ? {} : { "guard.listed": count.listed, "guard.billable": count.billable }

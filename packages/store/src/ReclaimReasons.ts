/**
 * Reclaim candidates with their reason: one row per (account, product, reason) from `reclaim_reasons` —
 * `inactive`, `never-active`, `suspended-billable`, `closed-billable`, `duplicate-person` — with the seat's
 * evidence and whether the seat ledger bills it (`billed`: only while its user's status is active, so a
 * suspended or deactivated user's seat is listed as cleanup but saves nothing), protected accounts (directly
 * or through a protected group) left out and counted.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type ParseResult, Schema, Struct } from "effect"
import type { ConnectionId } from "./Ids.js"
import { ReclaimCandidate } from "./Reports.js"
import { defaultGraceDays } from "./RunMerge.js"

type Failure = SqlError.SqlError | ParseResult.ParseError

/** Why a seat is a candidate; a seat may be one under several reasons. */
export const Reason = Schema.Literal(
  "inactive",
  "never-active",
  "suspended-billable",
  "closed-billable",
  "duplicate-person"
)
export type Reason = typeof Reason.Type

/** Which rule made two accounts one probable person. */
export const DuplicateRule = Schema.Literal(
  "same-email-local-part-and-name",
  "same-email-managed-and-unmanaged"
)
export type DuplicateRule = typeof DuplicateRule.Type

/** The verdict of `seat_verdict` on the seat, whatever the reason. */
export const SeatVerdict = Schema.Literal("active", "recently_added", "no_data", "never_active", "inactive")
export type SeatVerdict = typeof SeatVerdict.Type

/** A reclaim candidate: the seat and its evidence as `Reports.ReclaimCandidate` has them, with its reason. */
export const Candidate = Schema.Struct({
  ...Struct.omit(ReclaimCandidate.fields, "verdict"),
  reason: Reason,
  accountStatus: Schema.NullOr(Schema.String),
  membershipStatus: Schema.NullOr(Schema.String),
  verdict: SeatVerdict,
  /**
   * Whether the seat ledger (`v_product_seat`) bills the seat: false when its user is suspended, deactivated
   * or for deletion — Atlassian bills no suspended user; reclaiming it saves nothing now, though a restore
   * would bill it again.
   */
  billed: Schema.Boolean,
  /** `duplicate-person`: the rules that matched (empty for other reasons). */
  duplicateRules: Schema.Array(DuplicateRule),
  /** `duplicate-person`: the person's other accounts holding the same product (empty for other reasons). */
  otherAccountIds: Schema.Array(Schema.String)
})
export type Candidate = typeof Candidate.Type

const Row = Schema.Struct({ ...Candidate.fields, protected: Schema.Boolean })

export interface Candidates {
  /** Unprotected candidates: never-active and longest idle first, then by product, account and reason. */
  readonly candidates: ReadonlyArray<Candidate>
  /** Candidate rows left out because their account is protected (itself or through a group). */
  readonly protectedRows: number
  /** The distinct protected accounts those rows belong to. */
  readonly protectedAccounts: number
}

/**
 * The candidates of one connection after `inactiveAfterDays` (and `graceDays` for recent joiners) as of
 * `asOf`; protected accounts are left out and counted.
 */
export const candidates = (
  connectionId: ConnectionId,
  options: { readonly inactiveAfterDays: number; readonly graceDays?: number; readonly asOf?: Date }
): Effect.Effect<Candidates, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    const asOf = options.asOf ?? new Date()
    const days = Math.floor(options.inactiveAfterDays)
    const grace = Math.floor(options.graceDays ?? defaultGraceDays)
    return SqlSchema.findAll({
      Request: Schema.Void,
      Result: Row,
      execute: () => sql`
        SELECT r.product_id AS "productId", p.product_key AS "productKey", p.name AS "productName",
               r.account_id AS "accountId", r.reason, s.name, s.email, s.roles, s.account_type AS "accountType",
               s.status, u.account_status AS "accountStatus", u.membership_status AS "membershipStatus",
               CASE WHEN s.claim_status IS NULL THEN NULL ELSE s.claim_status = 'managed' END AS managed,
               s.last_active_at AS "lastActiveAt", s.activity_source AS "activitySource",
               s.activity_observed_at AS "activityObservedAt", s.added_to_org AS "addedToOrg",
               floor(extract(epoch FROM ${asOf}::timestamptz - s.last_active_at) / 86400)::int AS "daysSinceActive",
               floor(extract(epoch FROM ${asOf}::timestamptz - s.added_to_org) / 86400)::int AS "daysSinceAdded",
               seatsync.seat_verdict(s.last_active_at, s.has_activity, s.added_to_org, ${asOf}::timestamptz,
                 ${days}::integer, ${grace}::integer) AS verdict,
               s.billable AS billed,
               r.rules AS "duplicateRules", r.other_account_ids AS "otherAccountIds",
               r.account_id IN (SELECT pa.account_id FROM seatsync.protected_account(${connectionId}) AS pa)
                 AS protected
        FROM seatsync.reclaim_reasons(${connectionId}, ${asOf}::timestamptz, ${days}::integer, ${grace}::integer) AS r
        JOIN seatsync.v_product_seat AS s
          ON s.connection_id = ${connectionId} AND s.product_id = r.product_id AND s.account_id = r.account_id
        JOIN seatsync.product AS p ON p.connection_id = s.connection_id AND p.product_id = s.product_id
        JOIN seatsync.org_user AS u ON u.connection_id = s.connection_id AND u.account_id = s.account_id
        ORDER BY "lastActiveAt" NULLS FIRST, "productId", "accountId", r.reason`
    })(undefined).pipe(
      Effect.map((rows): Candidates => {
        const removed = rows.filter((row) => row.protected)
        return {
          candidates: rows.filter((row) => !row.protected).map(({ protected: _, ...candidate }) => candidate),
          protectedRows: removed.length,
          protectedAccounts: new Set(removed.map((row) => row.accountId)).size
        }
      })
    )
  }).pipe(Effect.withSpan("ReclaimReasons.candidates", { attributes: { connectionId } }))

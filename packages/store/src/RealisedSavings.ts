/**
 * What became of the reclaim candidates (not protected now) whose billed seat was taken away
 * (`v_seat_removal`): a saving realised on the day of the run that removed it — per month at the price in
 * force that day, until the seat comes back — or, when a billable role on that product came back within 30
 * days, a re-grant, flagged with how it was granted and the groups the person joined in that run (a default
 * group or an identity provider granting it again). A seat whose user was already suspended or closed was
 * billed by no one, so its removal is no saving and is not listed.
 */
import { SqlClient, type SqlError, SqlSchema } from "@effect/sql"
import { Effect, type ParseResult, Schema } from "effect"
import type { ConnectionId } from "./Ids.js"
import { RunIdFromString } from "./Ids.js"
import { BillingPeriod } from "./Prices.js"

type Failure = SqlError.SqlError | ParseResult.ParseError

/** How many days after its removal a seat that comes back counts as re-granted rather than saved. */
export const regrantWindowDays = 30

/** One billable seat of a reclaim candidate that a run removed, and whether it stayed away. */
export const SeatRemoval = Schema.Struct({
  accountId: Schema.String,
  /** Null when the account is not stored (any more). */
  name: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  productId: Schema.String,
  productKey: Schema.NullOr(Schema.String),
  productName: Schema.NullOr(Schema.String),
  /** The billable roles the run removed. */
  roles: Schema.Array(Schema.String),
  runId: RunIdFromString,
  removedAt: Schema.DateFromSelf,
  /** The UTC day of the removing run (`YYYY-MM-DD`): the day the saving was realised. */
  removedOn: Schema.String,
  /** The last-active date known before the removal; null: never active. */
  lastActiveAt: Schema.NullOr(Schema.DateFromSelf),
  /** The price in force on `removedOn`; all four null when the product had none. */
  currency: Schema.NullOr(Schema.String),
  pricePerSeat: Schema.NullOr(Schema.Number),
  billingPeriod: Schema.NullOr(BillingPeriod),
  renewalDate: Schema.NullOr(Schema.String),
  /**
   * `realised`: the seat stayed away for more than 30 days (or still is); `regranted`: a billable role came
   * back within 30 days.
   */
  outcome: Schema.Literal("realised", "regranted"),
  /**
   * A realised saving that ended: the UTC day (`YYYY-MM-DD`) the seat came back after the 30 days, billed
   * again from then; null while the saving stands (and for a re-grant).
   */
  until: Schema.NullOr(Schema.String),
  /** The first time a billable role on the product came back (at any distance); null: never. */
  backAt: Schema.NullOr(Schema.DateFromSelf),
  backRoleId: Schema.NullOr(Schema.String),
  /** How Atlassian said the returning role was granted: `direct`, `group`, `inferred`. */
  backGrantedVia: Schema.Array(Schema.String),
  /** The groups the person joined or rejoined in the run the role came back. */
  backGroups: Schema.Array(Schema.String)
})
export type SeatRemoval = typeof SeatRemoval.Type

/**
 * The connection's removed candidate seats whose removal ran after `since` (every one without), oldest
 * first: realised savings and re-grants.
 */
export const removals = (
  connectionId: ConnectionId,
  options: { readonly since?: Date } = {}
): Effect.Effect<ReadonlyArray<SeatRemoval>, Failure, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    SqlSchema.findAll({
      Request: Schema.Void,
      Result: SeatRemoval,
      execute: () => sql`
        SELECT account_id AS "accountId", name, email, product_id AS "productId", product_key AS "productKey",
               product_name AS "productName", roles, run_id AS "runId", removed_at AS "removedAt",
               to_char(removed_on, 'YYYY-MM-DD') AS "removedOn", last_active_at AS "lastActiveAt",
               currency, price_per_seat::float8 AS "pricePerSeat", billing_period AS "billingPeriod",
               to_char(renewal_date, 'YYYY-MM-DD') AS "renewalDate",
               CASE WHEN regranted THEN 'regranted' ELSE 'realised' END AS outcome,
               to_char(until_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS until,
               back_at AS "backAt", back_role_id AS "backRoleId",
               coalesce(back_granted_via, '{}') AS "backGrantedVia", coalesce(back_groups, '{}') AS "backGroups"
        FROM seatsync.v_seat_removal
        WHERE connection_id = ${connectionId} AND was_candidate
          -- A protected account is never a candidate, so its seat is never a reclaim.
          AND account_id NOT IN (SELECT pa.account_id FROM seatsync.protected_account(${connectionId}) AS pa)
          AND removed_at > ${options.since ?? new Date(0)}::timestamptz
        ORDER BY removed_at, run_id, product_id, account_id`
    })(undefined)
  ).pipe(Effect.withSpan("RealisedSavings.removals", { attributes: { connectionId } }))

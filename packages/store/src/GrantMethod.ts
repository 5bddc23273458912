/**
 * How a staged product role was granted, decided in PostgreSQL: a role is granted through a group when one
 * of the groups the account belongs to (its memberships staged by the same run) grants that role on that
 * product. The memberships never leave the database, so deciding costs the sync no memory however large the
 * organisation; only the groups' grants (a few per group) travel as parameters.
 */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect } from "effect"
import type { RunId } from "./Ids.js"
import { textArray } from "./internal/pgArray.js"

/** One grant of a group: members of `groupId` hold `roleId` on `productId` through it. */
export interface GroupGrant {
  readonly productId: string
  readonly roleId: string
  readonly groupId: string
}

/**
 * Marks `granted_via = {group}` on every staged product role of the run whose account has a staged
 * membership of a group granting that role on that product; every other staged role keeps what it was
 * staged with (`{direct}`). Call once the run's memberships and roles are all staged. Returns how many
 * staged roles were marked.
 */
export const markGroupGranted = (
  runId: RunId,
  grants: ReadonlyArray<GroupGrant>
): Effect.Effect<number, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    if (grants.length === 0) return 0
    const sql = yield* SqlClient.SqlClient
    // Freshly filled staging tables have no statistics: without them the planner joins row by row.
    yield* sql`ANALYZE seatsync.group_membership_stage, seatsync.product_role_stage`
    const marked = yield* sql<{ readonly n: number }>`
      WITH grant_row AS (
        SELECT * FROM unnest(${textArray(grants.map((g) => g.productId))}::text[],
                             ${textArray(grants.map((g) => g.roleId))}::text[],
                             ${textArray(grants.map((g) => g.groupId))}::text[])
          AS t(product_id, role_id, group_id)
      ),
      via_group AS (
        SELECT DISTINCT m.account_id, g.product_id, g.role_id
        FROM seatsync.group_membership_stage m
        JOIN grant_row g ON g.group_id = m.group_id
        WHERE m.run_id = ${runId}
      ),
      marked AS (
        UPDATE seatsync.product_role_stage r SET granted_via = ARRAY['group']::text[]
        FROM via_group v
        WHERE r.run_id = ${runId} AND r.account_id = v.account_id AND r.product_id = v.product_id
          AND r.role_id = v.role_id AND r.granted_via IS DISTINCT FROM ARRAY['group']::text[]
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM marked`
    return marked[0]?.n ?? 0
  }).pipe(Effect.withSpan("GrantMethod.markGroupGranted", { attributes: { runId, grants: grants.length } }))

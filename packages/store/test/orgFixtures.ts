/**
 * A small organisation in canonical records, and helpers to stage and merge it as one run.
 */
import { SqlClient } from "@effect/sql"
import {
  GroupMembership,
  OrgGroup,
  type OrgUser,
  Product,
  ProductActivity,
  ProductRole
} from "@seatsync/normalise"
import { Effect } from "effect"
import type { Entity, EntityRecord } from "../src/Entities.js"
import type { ConnectionId, RunId } from "../src/Ids.js"
import * as RunMerge from "../src/RunMerge.js"
import * as Staging from "../src/Staging.js"
import * as SyncRuns from "../src/SyncRuns.js"

export interface Org {
  readonly products: ReadonlyArray<Product>
  readonly users: ReadonlyArray<OrgUser>
  readonly groups: ReadonlyArray<OrgGroup>
  readonly memberships: ReadonlyArray<GroupMembership>
  readonly roles: ReadonlyArray<ProductRole>
  readonly activity: ReadonlyArray<ProductActivity>
}

export const DAY = 86_400_000

export const makeProduct = (key: string, capacity: number | null): Product =>
  new Product({
    productId: `ari:cloud:${key}::site/cloud-1`,
    productKey: key,
    cloudId: "cloud-1",
    name: `Acme ${key}`,
    url: "https://acme.atlassian.net",
    capacity,
    plan: "STANDARD",
    status: "online"
  })

export const makeGroup = (groupId: string): OrgGroup =>
  new OrgGroup({
    groupId,
    name: groupId,
    description: null,
    directoryId: "dir-1",
    externalSynced: false,
    managedBy: "admins"
  })

export const makeMembership = (accountId: string, groupId: string) =>
  new GroupMembership({ accountId, groupId })

export const makeRole = (
  accountId: string,
  product: Product,
  roleId = "atlassian/user",
  billable = true
): ProductRole =>
  new ProductRole({ accountId, productId: product.productId, roleId, billable, grantedVia: ["direct"] })

export const makeActivity = (
  accountId: string,
  product: Product,
  lastActiveAt: Date | null,
  observedAt: Date,
  source: ProductActivity["source"] = "bulk_expand"
): ProductActivity =>
  new ProductActivity({ accountId, productId: product.productId, lastActiveAt, source, observedAt })

export const allComplete: Record<Entity, boolean> = {
  product: true,
  org_user: true,
  org_group: true,
  group_membership: true,
  product_role: true,
  product_activity: false
}

/** Stages every entity of `org` for the run (in batches of `batch`). */
export const stageOrg = (runId: RunId, connectionId: ConnectionId, org: Org, batch = 1000) =>
  Effect.gen(function* () {
    const inBatches = <E extends Entity>(entity: E, records: ReadonlyArray<EntityRecord[E]>) =>
      Effect.forEach(
        Array.from({ length: Math.ceil(records.length / batch) }, (_, i) =>
          records.slice(i * batch, (i + 1) * batch)
        ),
        (chunk) => Staging.stage(entity, runId, connectionId, chunk),
        { discard: true }
      )
    yield* inBatches("product", org.products)
    yield* inBatches("org_user", org.users)
    yield* inBatches("org_group", org.groups)
    yield* inBatches("group_membership", org.memberships)
    yield* inBatches("product_role", org.roles)
    yield* inBatches("product_activity", org.activity)
  })

/** One whole run: start, stage, merge (everything complete unless told otherwise). */
export const syncOrg = (
  connectionId: ConnectionId,
  org: Org,
  options: Partial<RunMerge.MergeRunOptions> = {}
) =>
  Effect.gen(function* () {
    const runId = yield* SyncRuns.start(connectionId, "cli")
    yield* stageOrg(runId, connectionId, org)
    const result = yield* RunMerge.mergeRun(runId, connectionId, {
      complete: allComplete,
      today: new Date(),
      ...options
    })
    return { runId, result }
  })

const liveTables = [
  "org_user",
  "org_group",
  "group_membership",
  "product",
  "product_role",
  "product_activity"
]

/** Every live row of the connection, with its physical version (xmin/ctid), as text: byte-level equality. */
export const liveSnapshot = (connectionId: ConnectionId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const snapshot: Record<string, ReadonlyArray<string>> = {}
    for (const table of [...liveTables, "change_log", "seat_ledger"]) {
      const rows = yield* sql<{ readonly row: string }>`
        SELECT t.xmin::text || '/' || t.ctid::text || ' ' || row_to_json(t)::text AS row
        FROM ${sql.literal(`seatsync.${table}`)} AS t
        WHERE t.connection_id = ${connectionId}
        ORDER BY 1`
      snapshot[table] = rows.map((r) => r.row)
    }
    return snapshot
  })

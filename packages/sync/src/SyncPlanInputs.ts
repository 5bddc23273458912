/**
 * The reads behind a `SyncPlan`: the organisation's counts through the Admin API client (never a listing
 * walk), and the connection's last succeeded run from the ledger as a proxy for what cannot be counted
 * cheaply. Nothing here writes.
 */
import type { SqlClient, SqlError } from "@effect/sql"
import type { AtlassianClientShape, AtlassianError } from "@seatsync/atlassian-client"
import { productFromWorkspace } from "@seatsync/normalise"
import { type ConnectionId, SyncRuns } from "@seatsync/store"
import { Chunk, Effect, Either, Option, type ParseResult, Stream } from "effect"
import { type OrgSize, plannedProductRoleIds, type RoleHolders } from "./SyncPlan.js"

/** What the last succeeded run that listed users and roles staged: the proxy for role holders. */
export interface PreviousRunSize {
  readonly runId: number
  readonly users: number
  readonly groups: number
  readonly products: number
  /** The directories its reconciliation read (1 when it recorded none). */
  readonly directories: number
  readonly productRoles: number
  /** The managed accounts its Guard walk listed (`guard.listed`); undefined when it made none. */
  readonly guardListed: number | undefined
  /** What that run cost on the wire (retries included), for comparison. */
  readonly apiCalls: number
}

/**
 * The newest succeeded run of the connection (among its last 50) that staged users and product roles, i.e.
 * one not limited by `--only` to other entities. None when the connection never had one.
 */
export const previousRunSize = (
  connectionId: ConnectionId
): Effect.Effect<
  Option.Option<PreviousRunSize>,
  SqlError.SqlError | ParseResult.ParseError,
  SqlClient.SqlClient
> =>
  Effect.map(SyncRuns.listRecent(connectionId, 50), (runs) =>
    Option.fromNullable(
      runs
        .filter(
          (run) =>
            run.status === "succeeded" &&
            run.entityCounts["org_user.staged"] !== undefined &&
            run.entityCounts["product_role.staged"] !== undefined
        )
        .map((run) => ({
          runId: run.id,
          users: run.entityCounts["org_user.staged"] ?? 0,
          groups: run.entityCounts["org_group.staged"] ?? 0,
          products: run.entityCounts["product.staged"] ?? 0,
          directories: Math.max(1, run.reconciliation?.directories.length ?? 0),
          productRoles: run.entityCounts["product_role.staged"] ?? 0,
          guardListed: run.entityCounts["guard.listed"],
          apiCalls: run.apiCalls
        }))[0]
    )
  )

/**
 * The organisation as the last succeeded run saw it, for a plan that reads nothing from Atlassian (the
 * worker's check before a job): its staged users, groups, products and product roles. Quarantined records
 * were listed but not staged, so this may fall short by them.
 */
export const sizeFromPreviousRun = (previous: PreviousRunSize): OrgSize => ({
  users: previous.users,
  groups: previous.groups,
  directories: previous.directories,
  workspaces: previous.products,
  products: previous.products,
  roleHolders: { _tag: "Estimated", total: previous.productRoles, basis: "previous run" },
  managedAccounts:
    previous.guardListed === undefined ? undefined : { count: previous.guardListed, basis: "previous run" }
})

/** How to learn the product role holders, which no single count gives. */
export type RoleHolderSource =
  /**
   * One `users/count` per product × role (`resourceIds` + `roleIds`, documented filters): exact, at the cost
   * of as many calls as the sync's role listings take at least.
   */
  | { readonly _tag: "Count" }
  /**
   * No extra calls: the previous run's staged roles scaled to today's user count when there is one, else
   * the per-directory `users/stats` role counts (a lower bound).
   */
  | { readonly _tag: "Proxy"; readonly previous: Option.Option<PreviousRunSize> }

/** The sum of the product roles' counts in `users/stats` over every directory (see `RoleHolderSource`). */
const statsHolders = (client: AtlassianClientShape, orgId: string, directoryIds: ReadonlyArray<string>) =>
  Effect.map(
    Effect.forEach(directoryIds, (directoryId) => client.userStats(orgId, { directoryId })),
    (all) =>
      all
        .flatMap((stats) => stats.roles ?? [])
        .filter(
          (role) =>
            role.roleId !== undefined &&
            (plannedProductRoleIds as ReadonlyArray<string>).includes(role.roleId)
        )
        .reduce((sum, role) => sum + (role.count ?? 0), 0)
  )

/**
 * The organisation's size: `users/count`, `groups/count`, the directories and the workspaces (one page of
 * 1000 for most organisations), and the role holders from `holders`. The same requests the sync itself
 * sends for its counts, so a recording of a sync can answer them (`users/stats` per directory, not `-`).
 */
export const readOrgSize = (
  client: AtlassianClientShape,
  orgId: string,
  holders: RoleHolderSource,
  /**
   * Guard enabled: the sync also walks the managed accounts. Their number from the last run's walk when
   * given, else `users/count` with `claimStatus: managed`.
   */
  guard?: { readonly previousListed: number | undefined } | undefined
): Effect.Effect<OrgSize, AtlassianError> =>
  Effect.gen(function* () {
    const users = yield* client.userCount(orgId)
    const groups = yield* client.groupCount(orgId)
    const directoryIds = Chunk.toReadonlyArray(yield* Stream.runCollect(client.directories(orgId))).flatMap(
      (directory) => (directory.directoryId === undefined ? [] : [directory.directoryId])
    )
    const workspaces = Chunk.toReadonlyArray(yield* Stream.runCollect(client.workspaceRecords(orgId)))
    // The sync lists holders for the workspaces that decode and normalise into a product, no others.
    const productIds = workspaces.flatMap((listed) =>
      Either.isLeft(listed)
        ? []
        : Either.match(productFromWorkspace(listed.right), {
            onLeft: () => [],
            onRight: (product) => [product.productId]
          })
    )
    const roleHolders: RoleHolders =
      holders._tag === "Count"
        ? {
            _tag: "Counted",
            perListing: yield* Effect.forEach(
              productIds.flatMap((productId) =>
                plannedProductRoleIds.map((roleId) => ({ productId, roleId }))
              ),
              ({ productId, roleId }) =>
                client.userCount(orgId, { resourceIds: [productId], roleIds: [roleId] }),
              { concurrency: 4 }
            )
          }
        : yield* Option.match(holders.previous, {
            onSome: (previous) =>
              Effect.succeed<RoleHolders>({
                _tag: "Estimated",
                // Roles grow with the people who hold them: scale by today's users over that run's.
                total:
                  previous.users > 0
                    ? Math.round((previous.productRoles * users) / previous.users)
                    : previous.productRoles,
                basis: "previous run"
              }),
            onNone: () =>
              Effect.map(
                statsHolders(client, orgId, directoryIds),
                (total): RoleHolders => ({ _tag: "Estimated", total, basis: "users/stats" })
              )
          })
    const managedAccounts =
      guard === undefined
        ? undefined
        : guard.previousListed !== undefined
          ? { count: guard.previousListed, basis: "previous run" as const }
          : {
              count: yield* client.userCount(orgId, { claimStatus: "managed" }),
              basis: "users/count" as const
            }
    return {
      users,
      groups,
      directories: directoryIds.length,
      workspaces: workspaces.length,
      products: productIds.length,
      roleHolders,
      managedAccounts
    } satisfies OrgSize
  }).pipe(Effect.withSpan("readOrgSize", { attributes: { orgId, holders: holders._tag } }))

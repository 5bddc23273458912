/**
 * `AtlassianClient`: one typed method per read endpoint of the Atlassian organisation Admin API, with
 * cursor pages as `Stream`s, failures as tagged errors and retries as a `Schedule`.
 */
import type { HttpClient } from "@effect/platform"
import { type Config, type ConfigError, Context, Effect, Layer, type Schema, Stream } from "effect"
import * as ClientConfig from "./AtlassianClientConfig.js"
import { Count, GroupStats, UserStats } from "./Dto/Counts.js"
import { type Directory, DirectoryPage } from "./Dto/Directories.js"
import { type DirectoryUser, DirectoryUserPage, type UserSearchQuery } from "./Dto/DirectoryUsers.js"
import { type DirectoryGroup, DirectoryGroupPage, type GroupSearchQuery } from "./Dto/Groups.js"
import { type LastActiveDates, LastActiveDatesPage, type ProductLastActive } from "./Dto/LastActive.js"
import { type ManagedAccount, ManagedAccountPage } from "./Dto/ManagedAccounts.js"
import { Org, type OrgModel, OrgPage } from "./Dto/Orgs.js"
import {
  type GroupRoleAssignment,
  GroupRoleAssignmentPage,
  type RoleAssignmentQuery,
  type UserRoleAssignment,
  UserRoleAssignmentPage
} from "./Dto/RoleAssignments.js"
import { type Workspace, WorkspacePage, type WorkspaceQuery } from "./Dto/Workspaces.js"
import { type AtlassianError, type InvalidConfig, UnexpectedResponse } from "./Errors.js"
import { makeTransport, type Operation } from "./internal/Transport.js"
import { cursorFromNextUrl, paginate } from "./Pagination.js"
import type { RequestStats } from "./RequestStats.js"

/** Which directory to read and how many records per page. */
export interface DirectoryOptions {
  /** The directory; `-` (the default) means every directory the key can manage. */
  readonly directoryId?: string | undefined
  /** Page size, 1–100; defaults to the maximum, 100, to use as few calls as possible. */
  readonly pageSize?: number | undefined
}

/** Filters of `users/count` (the user search filters without paging, sorting, expand or emails). */
export type UserCountQuery = Omit<UserSearchQuery, "expand" | "sortBy" | "emails">

/** Filters of `groups/count`. */
export type GroupCountQuery = Pick<
  GroupSearchQuery,
  "directoryIds" | "accountIds" | "groupIds" | "resourceOwners" | "resourceIds" | "searchTerm" | "roleIds"
>

export interface AtlassianClientShape {
  /** `GET /v1/orgs`: the organisations the key can see. An empty result means "unknown", not "none". */
  readonly orgs: Stream.Stream<OrgModel, AtlassianError>
  /** `GET /v1/orgs/{orgId}`: one organisation; `OrgNotFound` when the id is wrong for this key. */
  readonly org: (orgId: string) => Effect.Effect<OrgModel, AtlassianError>
  /** `GET /v1/orgs/{orgId}/users`: the managed accounts (verified domains only), with Guard billing. */
  readonly managedAccounts: (orgId: string) => Stream.Stream<ManagedAccount, AtlassianError>
  /** `GET /v2/orgs/{orgId}/directories`: every user directory of the organisation. */
  readonly directories: (orgId: string) => Stream.Stream<Directory, AtlassianError>
  /** `POST …/directories/{directoryId}/users/search`: every matching user; each page is one chunk. */
  readonly users: (
    orgId: string,
    query?: UserSearchQuery,
    options?: DirectoryOptions
  ) => Stream.Stream<DirectoryUser, AtlassianError>
  /** `GET …/users/count`. */
  readonly userCount: (
    orgId: string,
    query?: UserCountQuery,
    options?: DirectoryOptions
  ) => Effect.Effect<number, AtlassianError>
  /** `GET …/users/stats`: users per role and per account status. */
  readonly userStats: (orgId: string, options?: DirectoryOptions) => Effect.Effect<UserStats, AtlassianError>
  /** `GET …/users/{accountId}/role-assignments`: the products a user holds a role on, and how. */
  readonly userRoleAssignments: (
    orgId: string,
    accountId: string,
    query?: RoleAssignmentQuery,
    options?: DirectoryOptions
  ) => Stream.Stream<UserRoleAssignment, AtlassianError>
  /** `POST …/groups/search`: every matching group; each page is one chunk. */
  readonly groups: (
    orgId: string,
    query?: GroupSearchQuery,
    options?: DirectoryOptions
  ) => Stream.Stream<DirectoryGroup, AtlassianError>
  /** `GET …/groups/count`. */
  readonly groupCount: (
    orgId: string,
    query?: GroupCountQuery,
    options?: DirectoryOptions
  ) => Effect.Effect<number, AtlassianError>
  /** `GET …/groups/stats`. */
  readonly groupStats: (
    orgId: string,
    options?: DirectoryOptions
  ) => Effect.Effect<GroupStats, AtlassianError>
  /** `GET …/groups/{groupId}/role-assignments`: the products a group grants, with which roles. */
  readonly groupRoleAssignments: (
    orgId: string,
    groupId: string,
    query?: RoleAssignmentQuery,
    options?: DirectoryOptions
  ) => Stream.Stream<GroupRoleAssignment, AtlassianError>
  /** `POST /v2/orgs/{orgId}/workspaces`: every product instance; page size up to 1000 (default 1000). */
  readonly workspaces: (
    orgId: string,
    options?: { readonly query?: WorkspaceQuery | undefined; readonly pageSize?: number | undefined }
  ) => Stream.Stream<Workspace, AtlassianError>
  /**
   * `GET /v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates`: a user's last activity per
   * product, all pages merged. Atlassian allows 200 of these calls per minute per organisation.
   */
  readonly lastActiveDates: (
    orgId: string,
    accountId: string
  ) => Effect.Effect<LastActiveDates, AtlassianError>
  /** What this client instance has done on the wire so far. */
  readonly stats: Effect.Effect<RequestStats>
}

export class AtlassianClient extends Context.Tag("@seatsync/atlassian-client/AtlassianClient")<
  AtlassianClient,
  AtlassianClientShape
>() {}

/** The shape every v2 list page shares. */
interface ListPage<A> {
  readonly data?: ReadonlyArray<A> | undefined
  readonly links?: { readonly next?: string | undefined } | undefined
}

type ItemOf<P extends ListPage<unknown>> = NonNullable<P["data"]>[number]

const segment = (value: string) => encodeURIComponent(value)
const pageSizeOf = (options: DirectoryOptions | undefined, max = 100) =>
  Math.min(max, Math.max(1, Math.trunc(options?.pageSize ?? max)))
const csv = (values: ReadonlyArray<string> | undefined) =>
  values === undefined || values.length === 0 ? undefined : values.join(",")
const flag = (value: boolean | undefined) => (value === undefined ? undefined : String(value))

/**
 * Builds a client from a configuration. Requires an `HttpClient` (e.g. `FetchHttpClient.layer` or
 * `NodeHttpClient.layerUndici`).
 */
export const make = (
  config: ClientConfig.AtlassianClientConfig
): Effect.Effect<AtlassianClientShape, InvalidConfig, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const { call, stats } = yield* makeTransport(config)

    const directoryPath = (orgId: string, options: DirectoryOptions | undefined) =>
      `/v2/orgs/${segment(orgId)}/directories/${segment(options?.directoryId ?? "-")}`

    /** A v2 GET list: the first page carries the filters; later pages only the cursor, as documented. */
    const v2List = <P extends ListPage<unknown>, Encoded>(
      endpoint: string,
      path: string,
      orgId: string,
      params: Readonly<Record<string, string | undefined>>,
      pageSize: number,
      schema: Schema.Schema<P, Encoded>
    ): Stream.Stream<ItemOf<P>, AtlassianError> =>
      paginate(endpoint, (cursor) =>
        call(
          {
            endpoint,
            method: "GET",
            path,
            urlParams: cursor === undefined ? { ...params, limit: String(pageSize) } : { cursor },
            orgId
          },
          schema
        ).pipe(
          Effect.map((page) => ({
            items: (page.data ?? []) as ReadonlyArray<ItemOf<P>>,
            next: page.links?.next
          }))
        )
      )

    /** A v2 search POST: the cursor travels in the body next to the unchanged filters. */
    const v2Search = <P extends ListPage<unknown>, Encoded>(
      endpoint: string,
      path: string,
      orgId: string,
      query: object,
      pageSize: number,
      schema: Schema.Schema<P, Encoded>
    ): Stream.Stream<ItemOf<P>, AtlassianError> =>
      paginate(endpoint, (cursor) =>
        call(
          {
            endpoint,
            method: "POST",
            path,
            body:
              cursor === undefined ? { ...query, limit: pageSize } : { ...query, limit: pageSize, cursor },
            orgId
          },
          schema
        ).pipe(
          Effect.map((page) => ({
            items: (page.data ?? []) as ReadonlyArray<ItemOf<P>>,
            next: page.links?.next
          }))
        )
      )

    const single = <A, Encoded>(op: Operation, schema: Schema.Schema<A, Encoded>) => call(op, schema)

    const orgs = paginate("GET /v1/orgs", (cursor) =>
      call(
        { endpoint: "GET /v1/orgs", method: "GET", path: "/v1/orgs", urlParams: { cursor } },
        OrgPage
      ).pipe(Effect.map((page) => ({ items: page.data ?? [], next: cursorFromNextUrl(page.links?.next) })))
    )

    const org = (orgId: string) => {
      const endpoint = "GET /v1/orgs/{orgId}"
      return single(
        { endpoint, method: "GET", path: `/v1/orgs/${segment(orgId)}`, orgId, notFoundMeansOrg: true },
        Org
      ).pipe(
        Effect.flatMap((body) =>
          body.data === undefined
            ? Effect.fail(
                new UnexpectedResponse({ endpoint, status: 200, path: "data", detail: "is missing" })
              )
            : Effect.succeed(body.data)
        )
      )
    }

    const managedAccounts = (orgId: string) => {
      const endpoint = "GET /v1/orgs/{orgId}/users"
      return paginate(endpoint, (cursor) =>
        call(
          { endpoint, method: "GET", path: `/v1/orgs/${segment(orgId)}/users`, urlParams: { cursor }, orgId },
          ManagedAccountPage
        ).pipe(Effect.map((page) => ({ items: page.data ?? [], next: cursorFromNextUrl(page.links?.next) })))
      )
    }

    const directories = (orgId: string) =>
      v2List(
        "GET /v2/orgs/{orgId}/directories",
        `/v2/orgs/${segment(orgId)}/directories`,
        orgId,
        {},
        100,
        DirectoryPage
      )

    const users = (orgId: string, query: UserSearchQuery = {}, options?: DirectoryOptions) =>
      v2Search(
        "POST /v2/orgs/{orgId}/directories/{directoryId}/users/search",
        `${directoryPath(orgId, options)}/users/search`,
        orgId,
        query,
        pageSizeOf(options),
        DirectoryUserPage
      )

    const userCount = (orgId: string, query: UserCountQuery = {}, options?: DirectoryOptions) =>
      single(
        {
          endpoint: "GET /v2/orgs/{orgId}/directories/{directoryId}/users/count",
          method: "GET",
          path: `${directoryPath(orgId, options)}/users/count`,
          urlParams: {
            accountIds: csv(query.accountIds),
            directoryIds: csv(query.directoryIds),
            resourceIds: csv(query.resourceIds),
            groupIds: csv(query.groupIds),
            mfaEnabled: flag(query.mfaEnabled),
            claimStatus: query.claimStatus,
            status: csv(query.status),
            accountStatus: csv(query.accountStatus),
            membershipStatus: csv(query.membershipStatus),
            roleIds: csv(query.roleIds),
            searchTerm: query.searchTerm,
            emailDomains: csv(query.emailDomains)
          },
          orgId
        },
        Count
      ).pipe(Effect.map((body) => body.count ?? 0))

    const userStats = (orgId: string, options?: DirectoryOptions) =>
      single(
        {
          endpoint: "GET /v2/orgs/{orgId}/directories/{directoryId}/users/stats",
          method: "GET",
          path: `${directoryPath(orgId, options)}/users/stats`,
          orgId
        },
        UserStats
      )

    const roleAssignmentParams = (query: RoleAssignmentQuery) => ({
      directoryIds: csv(query.directoryIds),
      resourceOwners: csv(query.resourceOwners),
      resourceIds: csv(query.resourceIds),
      roleIds: csv(query.roleIds)
    })

    const userRoleAssignments = (
      orgId: string,
      accountId: string,
      query: RoleAssignmentQuery = {},
      options?: DirectoryOptions
    ) =>
      v2List(
        "GET /v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/role-assignments",
        `${directoryPath(orgId, options)}/users/${segment(accountId)}/role-assignments`,
        orgId,
        roleAssignmentParams(query),
        pageSizeOf(options),
        UserRoleAssignmentPage
      )

    const groups = (orgId: string, query: GroupSearchQuery = {}, options?: DirectoryOptions) =>
      v2Search(
        "POST /v2/orgs/{orgId}/directories/{directoryId}/groups/search",
        `${directoryPath(orgId, options)}/groups/search`,
        orgId,
        query,
        pageSizeOf(options),
        DirectoryGroupPage
      )

    const groupCount = (orgId: string, query: GroupCountQuery = {}, options?: DirectoryOptions) =>
      single(
        {
          endpoint: "GET /v2/orgs/{orgId}/directories/{directoryId}/groups/count",
          method: "GET",
          path: `${directoryPath(orgId, options)}/groups/count`,
          urlParams: {
            directoryIds: csv(query.directoryIds),
            accountIds: csv(query.accountIds),
            groupIds: csv(query.groupIds),
            resourceOwners: csv(query.resourceOwners),
            resourceIds: csv(query.resourceIds),
            searchTerm: query.searchTerm,
            roleIds: csv(query.roleIds)
          },
          orgId
        },
        Count
      ).pipe(Effect.map((body) => body.count ?? 0))

    const groupStats = (orgId: string, options?: DirectoryOptions) =>
      single(
        {
          endpoint: "GET /v2/orgs/{orgId}/directories/{directoryId}/groups/stats",
          method: "GET",
          path: `${directoryPath(orgId, options)}/groups/stats`,
          orgId
        },
        GroupStats
      )

    const groupRoleAssignments = (
      orgId: string,
      groupId: string,
      query: RoleAssignmentQuery = {},
      options?: DirectoryOptions
    ) =>
      v2List(
        "GET /v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments",
        `${directoryPath(orgId, options)}/groups/${segment(groupId)}/role-assignments`,
        orgId,
        roleAssignmentParams(query),
        pageSizeOf(options),
        GroupRoleAssignmentPage
      )

    const workspaces = (
      orgId: string,
      options: { readonly query?: WorkspaceQuery | undefined; readonly pageSize?: number | undefined } = {}
    ) => {
      const endpoint = "POST /v2/orgs/{orgId}/workspaces"
      const limit = Math.min(1000, Math.max(1, Math.trunc(options.pageSize ?? 1000)))
      return paginate(endpoint, (cursor) =>
        call(
          {
            endpoint,
            method: "POST",
            path: `/v2/orgs/${segment(orgId)}/workspaces`,
            // Documented: when `cursor` is present no other property may be present.
            body:
              cursor !== undefined
                ? { cursor }
                : options.query === undefined
                  ? { limit }
                  : { limit, query: options.query },
            orgId
          },
          WorkspacePage
        ).pipe(
          // `links.next` is declared as a URL but Atlassian hands out a bare token; accept both.
          Effect.map((page) => ({ items: page.data ?? [], next: cursorOrToken(page.links?.next) }))
        )
      )
    }

    const lastActiveDates = (orgId: string, accountId: string) => {
      const endpoint = "GET /v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates"
      const path = `/v1/orgs/${segment(orgId)}/directory/users/${segment(accountId)}/last-active-dates`
      return paginate(endpoint, (cursor) =>
        call(
          { endpoint, method: "GET", path, urlParams: { cursor }, orgId, budget: "lastActive" },
          LastActiveDatesPage
        ).pipe(
          Effect.map((page) => ({
            items: page.data === undefined ? [] : [page.data],
            next: page.links?.next
          }))
        )
      ).pipe(
        Stream.runCollect,
        Effect.map((chunk) => {
          const pages = Array.from(chunk)
          const productAccess: Array<ProductLastActive> = pages.flatMap((page) => page.product_access)
          const first = pages[0]
          return {
            product_access: productAccess,
            added_to_org: first?.added_to_org ?? null,
            added_to_org_timestamp: first?.added_to_org_timestamp ?? null
          } satisfies LastActiveDates
        })
      )
    }

    return {
      orgs,
      org,
      managedAccounts,
      directories,
      users,
      userCount,
      userStats,
      userRoleAssignments,
      groups,
      groupCount,
      groupStats,
      groupRoleAssignments,
      workspaces,
      lastActiveDates,
      stats
    } satisfies AtlassianClientShape
  })

/** A next link that is either a URL with a `cursor` parameter or the bare token itself. */
const cursorOrToken = (next: string | undefined): string | undefined => {
  if (next === undefined || next === "") return undefined
  return /^https?:\/\//.test(next) ? cursorFromNextUrl(next) : next
}

/** A layer from an explicit configuration. */
export const layer = (
  config: ClientConfig.AtlassianClientConfig
): Layer.Layer<AtlassianClient, InvalidConfig, HttpClient.HttpClient> =>
  Layer.effect(AtlassianClient, make(config))

/** A layer configured from the environment (`ATLASSIAN_API_KEY`, `ATLASSIAN_ADMIN_BASE_URL`). */
export const layerConfig = (
  config: Config.Config<ClientConfig.AtlassianClientConfig> = ClientConfig.fromEnv
): Layer.Layer<AtlassianClient, InvalidConfig | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(AtlassianClient, Effect.flatMap(config, make))

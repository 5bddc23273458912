/**
 * `AtlassianClient`: one typed method per read endpoint of the Atlassian organisation Admin API, with
 * cursor pages as `Stream`s, failures as tagged errors and retries as a `Schedule`.
 */
import type { HttpClient } from "@effect/platform"
import { Chunk, type Config, type ConfigError, Context, Effect, Layer, type Schema, Stream } from "effect"
import * as ClientConfig from "./AtlassianClientConfig.js"
import { Count, GroupStats, UserStats } from "./Dto/Counts.js"
import { type Directory, DirectoryPage } from "./Dto/Directories.js"
import { DirectoryUser, DirectoryUserPage, type UserSearchQuery } from "./Dto/DirectoryUsers.js"
import { DirectoryGroup, DirectoryGroupPage, type GroupSearchQuery } from "./Dto/Groups.js"
import { type LastActiveDates, LastActiveDatesPage, type ProductLastActive } from "./Dto/LastActive.js"
import { decodeRecord, type Listed, ListingPage } from "./Dto/Listed.js"
import { type ManagedAccount, ManagedAccountPage } from "./Dto/ManagedAccounts.js"
import { Org, type OrgModel, OrgPage } from "./Dto/Orgs.js"
import {
  type GroupRoleAssignment,
  GroupRoleAssignmentPage,
  type RoleAssignmentQuery,
  type UserRoleAssignment,
  UserRoleAssignmentPage
} from "./Dto/RoleAssignments.js"
import { Workspace, WorkspacePage, type WorkspaceQuery } from "./Dto/Workspaces.js"
import * as Endpoints from "./Endpoints.js"
import { type AtlassianError, type InvalidConfig, UnexpectedResponse } from "./Errors.js"
import { makeTransport } from "./internal/Transport.js"
import {
  type PageRequest,
  v1LinkPages,
  v1TokenPages,
  v2CursorOnlyPages,
  v2QueryPages,
  v2SearchPages
} from "./Pagination.js"
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
  /**
   * `users`, each record decoded on its own: one that breaks the schema is an `InvalidRecord` (with the
   * path and the record) and the walk goes on. Each page is one chunk.
   */
  readonly userRecords: (
    orgId: string,
    query?: UserSearchQuery,
    options?: DirectoryOptions
  ) => Stream.Stream<Listed<DirectoryUser>, AtlassianError>
  /** `groups`, each record decoded on its own (see `userRecords`). */
  readonly groupRecords: (
    orgId: string,
    query?: GroupSearchQuery,
    options?: DirectoryOptions
  ) => Stream.Stream<Listed<DirectoryGroup>, AtlassianError>
  /** `workspaces`, each record decoded on its own (see `userRecords`). */
  readonly workspaceRecords: (
    orgId: string,
    options?: { readonly query?: WorkspaceQuery | undefined; readonly pageSize?: number | undefined }
  ) => Stream.Stream<Listed<Workspace>, AtlassianError>
  /** What this client instance has done on the wire so far. */
  readonly stats: Effect.Effect<RequestStats>
}

export class AtlassianClient extends Context.Tag("@seatsync/atlassian-client/AtlassianClient")<
  AtlassianClient,
  AtlassianClientShape
>() {}

const csv = (values: ReadonlyArray<string> | undefined) =>
  values === undefined || values.length === 0 ? undefined : values.join(",")
const flag = (value: boolean | undefined) => (value === undefined ? undefined : String(value))

const roleAssignmentFilters = (query: RoleAssignmentQuery) => ({
  directoryIds: csv(query.directoryIds),
  resourceOwners: csv(query.resourceOwners),
  resourceIds: csv(query.resourceIds),
  roleIds: csv(query.roleIds)
})

/** The directory parameters of a `…/directories/{directoryId}/…` endpoint; `-` means every directory. */
const inDirectory = (orgId: string, options: DirectoryOptions | undefined) => ({
  orgId,
  directoryId: options?.directoryId ?? "-"
})

/** `last-active-dates` pages merged into one answer: every page's products, the first page's dates. */
const mergeLastActivePages = (pages: ReadonlyArray<LastActiveDates>): LastActiveDates => {
  const productAccess: Array<ProductLastActive> = pages.flatMap((page) => page.product_access)
  const first = pages[0]
  return {
    product_access: productAccess,
    added_to_org: first?.added_to_org ?? null,
    added_to_org_timestamp: first?.added_to_org_timestamp ?? null
  }
}

/**
 * Builds a client from a configuration. Requires an `HttpClient` (e.g. `FetchHttpClient.layer` or
 * `NodeHttpClient.layerUndici`). Each method is one entry of `Endpoints` and, for a list, the paginator of
 * that entry's page kind.
 */
export const make = (
  config: ClientConfig.AtlassianClientConfig
): Effect.Effect<AtlassianClientShape, InvalidConfig, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const { call, stats } = yield* makeTransport(config)

    /** The page fetcher of one endpoint: what a paginator adds (cursor, filters, limit) is `request`. */
    const pagesOf =
      <Template extends string, A, I>(
        endpoint: Endpoints.Endpoint<Template>,
        params: Endpoints.PathParams<Template> & { readonly orgId?: string },
        schema: Schema.Schema<A, I>
      ) =>
      (request: PageRequest) =>
        call({ endpoint, params, orgId: params.orgId, ...request }, schema)

    const orgs = v1LinkPages(Endpoints.orgs, pagesOf(Endpoints.orgs, {}, OrgPage))

    const org = (orgId: string) =>
      call({ endpoint: Endpoints.org, params: { orgId }, orgId }, Org).pipe(
        Effect.flatMap((body) =>
          body.data === undefined
            ? Effect.fail(
                new UnexpectedResponse({
                  endpoint: Endpoints.org.name,
                  status: 200,
                  path: "data",
                  detail: "is missing"
                })
              )
            : Effect.succeed(body.data)
        )
      )

    const managedAccounts = (orgId: string) =>
      v1LinkPages(
        Endpoints.managedAccounts,
        pagesOf(Endpoints.managedAccounts, { orgId }, ManagedAccountPage)
      )

    const directories = (orgId: string) =>
      v2QueryPages(
        Endpoints.directories,
        {},
        undefined,
        pagesOf(Endpoints.directories, { orgId }, DirectoryPage)
      )

    const users = (orgId: string, query: UserSearchQuery = {}, options?: DirectoryOptions) =>
      v2SearchPages(
        Endpoints.usersSearch,
        query,
        options?.pageSize,
        pagesOf(Endpoints.usersSearch, inDirectory(orgId, options), DirectoryUserPage)
      )

    const userCount = (orgId: string, query: UserCountQuery = {}, options?: DirectoryOptions) =>
      call(
        {
          endpoint: Endpoints.usersCount,
          params: inDirectory(orgId, options),
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
      call({ endpoint: Endpoints.usersStats, params: inDirectory(orgId, options), orgId }, UserStats)

    const userRoleAssignments = (
      orgId: string,
      accountId: string,
      query: RoleAssignmentQuery = {},
      options?: DirectoryOptions
    ) =>
      v2QueryPages(
        Endpoints.userRoleAssignments,
        roleAssignmentFilters(query),
        options?.pageSize,
        pagesOf(
          Endpoints.userRoleAssignments,
          { ...inDirectory(orgId, options), accountId },
          UserRoleAssignmentPage
        )
      )

    const groups = (orgId: string, query: GroupSearchQuery = {}, options?: DirectoryOptions) =>
      v2SearchPages(
        Endpoints.groupsSearch,
        query,
        options?.pageSize,
        pagesOf(Endpoints.groupsSearch, inDirectory(orgId, options), DirectoryGroupPage)
      )

    const groupCount = (orgId: string, query: GroupCountQuery = {}, options?: DirectoryOptions) =>
      call(
        {
          endpoint: Endpoints.groupsCount,
          params: inDirectory(orgId, options),
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
      call({ endpoint: Endpoints.groupsStats, params: inDirectory(orgId, options), orgId }, GroupStats)

    const groupRoleAssignments = (
      orgId: string,
      groupId: string,
      query: RoleAssignmentQuery = {},
      options?: DirectoryOptions
    ) =>
      v2QueryPages(
        Endpoints.groupRoleAssignments,
        roleAssignmentFilters(query),
        options?.pageSize,
        pagesOf(
          Endpoints.groupRoleAssignments,
          { ...inDirectory(orgId, options), groupId },
          GroupRoleAssignmentPage
        )
      )

    const workspaces = (
      orgId: string,
      options: { readonly query?: WorkspaceQuery | undefined; readonly pageSize?: number | undefined } = {}
    ) =>
      v2CursorOnlyPages(
        Endpoints.workspaces,
        options.query,
        options.pageSize,
        pagesOf(Endpoints.workspaces, { orgId }, WorkspacePage)
      )

    const lastActiveDates = (orgId: string, accountId: string) =>
      v1TokenPages(
        Endpoints.lastActiveDates,
        pagesOf(Endpoints.lastActiveDates, { orgId, accountId }, LastActiveDatesPage)
      ).pipe(
        Stream.runCollect,
        Effect.map((pages) => mergeLastActivePages(Chunk.toReadonlyArray(pages)))
      )

    const userRecords = (orgId: string, query: UserSearchQuery = {}, options?: DirectoryOptions) =>
      v2SearchPages(
        Endpoints.usersSearch,
        query,
        options?.pageSize,
        pagesOf(Endpoints.usersSearch, inDirectory(orgId, options), ListingPage)
      ).pipe(Stream.map(decodeRecord(Endpoints.usersSearch.name, DirectoryUser)))

    const groupRecords = (orgId: string, query: GroupSearchQuery = {}, options?: DirectoryOptions) =>
      v2SearchPages(
        Endpoints.groupsSearch,
        query,
        options?.pageSize,
        pagesOf(Endpoints.groupsSearch, inDirectory(orgId, options), ListingPage)
      ).pipe(Stream.map(decodeRecord(Endpoints.groupsSearch.name, DirectoryGroup)))

    const workspaceRecords = (
      orgId: string,
      options: { readonly query?: WorkspaceQuery | undefined; readonly pageSize?: number | undefined } = {}
    ) =>
      v2CursorOnlyPages(
        Endpoints.workspaces,
        options.query,
        options.pageSize,
        pagesOf(Endpoints.workspaces, { orgId }, ListingPage)
      ).pipe(Stream.map(decodeRecord(Endpoints.workspaces.name, Workspace)))

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
      userRecords,
      groupRecords,
      workspaceRecords,
      stats
    } satisfies AtlassianClientShape
  })

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

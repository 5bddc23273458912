import { FetchHttpClient, HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Effect, Exit, Layer, Option, Redacted, Stream } from "effect"
import {
  AtlassianClient,
  type AtlassianClientShape,
  type AtlassianError,
  Endpoints,
  ensureReadOperation,
  readOperations,
  unpaced
} from "../src/index.js"

const base = new URL("https://api.atlassian.com/admin")
const allowed = (method: string, path: string) =>
  Exit.isSuccess(Effect.runSyncExit(ensureReadOperation(base, method, `${base}${path}`)))

/** A concrete value for each parameter of an entry, e.g. `{ orgId: "o1", directoryId: "d1" }`. */
const sampleParams = (endpoint: Endpoints.Endpoint): Record<string, string> =>
  Object.fromEntries(
    Array.from(endpoint.template.matchAll(/\{([^}]+)\}/g), (found, index) => [found[1]!, `v${index}`])
  )

/** The entry's template with `values` put in as they are, unencoded (to forge paths the builder never makes). */
const fillRaw = (endpoint: Endpoints.Endpoint, values: Readonly<Record<string, string>>) =>
  endpoint.template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? "")

const parametersOf = (endpoint: Endpoints.Endpoint) => Object.keys(sampleParams(endpoint))

describe("the endpoint table", () => {
  it("names each entry METHOD /template, once", () => {
    for (const endpoint of Endpoints.all)
      expect(endpoint.name).toBe(`${endpoint.method} ${endpoint.template}`)
    expect(new Set(Endpoints.all.map((endpoint) => endpoint.name)).size).toBe(Endpoints.all.length)
    expect(readOperations).toBe(Endpoints.all)
  })

  it("gives every paged v2 entry its largest page size, and no other entry one", () => {
    for (const endpoint of Endpoints.all) {
      const sized = ["v2Query", "v2Search", "v2CursorOnly"].includes(endpoint.pages)
      expect(endpoint.maxPageSize === undefined).toBe(!sized)
    }
    expect(Endpoints.workspaces.maxPageSize).toBe(1000)
    expect(Endpoints.usersSearch.maxPageSize).toBe(100)
  })

  it("builds a path with each parameter URI-encoded into exactly one segment", () => {
    expect(Endpoints.path(Endpoints.orgs, {})).toBe("/v1/orgs")
    expect(Endpoints.path(Endpoints.groupsSearch, { orgId: "o1", directoryId: "-" })).toBe(
      "/v2/orgs/o1/directories/-/groups/search"
    )
    expect(Endpoints.path(Endpoints.lastActiveDates, { orgId: "o1", accountId: "557058:a/b?c#d" })).toBe(
      "/v1/orgs/o1/directory/users/557058%3Aa%2Fb%3Fc%23d/last-active-dates"
    )
  })

  it("matches a request to its entry, and nothing else", () => {
    expect(Endpoints.match("GET", "/v1/orgs/o1")).toBe(Endpoints.org)
    expect(Endpoints.match("POST", "/v2/orgs/o1/workspaces")).toBe(Endpoints.workspaces)
    expect(Endpoints.match("GET", "/v2/orgs/o1/workspaces")).toBeUndefined()
    expect(Endpoints.match("GET", "/v1/orgs/o1/users/u1/extra")).toBeUndefined()
  })
})

describe("the read-only guard, derived from the table", () => {
  for (const endpoint of Endpoints.all) {
    describe(endpoint.name, () => {
      const params = sampleParams(endpoint)

      it("allows the entry's concrete path, with or without a query", () => {
        const path = fillRaw(endpoint, params)
        expect(allowed(endpoint.method, path)).toBe(true)
        expect(allowed(endpoint.method, `${path}?cursor=abc`)).toBe(true)
        expect(Endpoints.match(endpoint.method, path)).toBe(endpoint)
      })

      it("refuses every other method on it", () => {
        const path = fillRaw(endpoint, params)
        for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]) {
          if (method !== endpoint.method) expect(allowed(method, path)).toBe(false)
        }
      })

      it("refuses extra segments, after the path or inside a parameter", () => {
        const path = fillRaw(endpoint, params)
        expect(allowed(endpoint.method, `${path}/u1/suspend`)).toBe(false)
        expect(allowed(endpoint.method, `${path}/`)).toBe(false)
        for (const name of parametersOf(endpoint)) {
          expect(allowed(endpoint.method, fillRaw(endpoint, { ...params, [name]: "u1/suspend" }))).toBe(false)
        }
      })

      it("refuses a parameter that is empty or a dot segment", () => {
        for (const name of parametersOf(endpoint)) {
          for (const value of ["", ".", "..", "%2e", "%2E%2e", ".%2E"]) {
            const path = fillRaw(endpoint, { ...params, [name]: value })
            expect(allowed(endpoint.method, path)).toBe(false)
            expect(Endpoints.matches(endpoint, endpoint.method, path)).toBe(false)
          }
        }
      })
    })
  }

  it("refuses writes spelled as a read endpoint with extra segments", () => {
    const directory = "/v2/orgs/o1/directories/d1"
    expect(allowed("POST", `${directory}/users/u1/suspend/users/search`)).toBe(false)
    expect(allowed("POST", `${directory}/users/u1/suspend`)).toBe(false)
    expect(allowed("GET", "/v1/orgs/o1/users/u1/extra")).toBe(false)
    expect(allowed("GET", "/v1/orgs/o1/../o2/users")).toBe(false)
  })
})

/**
 * One call of each client method. The mapped type makes a new method a compile error here until it is
 * exercised, so the coverage check below cannot silently miss one.
 */
type Exercise = (
  client: AtlassianClientShape,
  ids: { readonly orgId: string; readonly accountId: string; readonly groupId: string }
) => Effect.Effect<unknown, AtlassianError>

const exercises: { readonly [Method in Exclude<keyof AtlassianClientShape, "stats">]: Exercise } = {
  orgs: (client) => Stream.runDrain(client.orgs),
  org: (client, { orgId }) => client.org(orgId),
  managedAccounts: (client, { orgId }) => Stream.runDrain(client.managedAccounts(orgId)),
  directories: (client, { orgId }) => Stream.runDrain(client.directories(orgId)),
  users: (client, { orgId }) => Stream.runDrain(client.users(orgId)),
  userCount: (client, { orgId }) => client.userCount(orgId),
  userStats: (client, { orgId }) => client.userStats(orgId),
  userRoleAssignments: (client, { orgId, accountId }) =>
    Stream.runDrain(client.userRoleAssignments(orgId, accountId)),
  groups: (client, { orgId }) => Stream.runDrain(client.groups(orgId)),
  groupCount: (client, { orgId }) => client.groupCount(orgId),
  groupStats: (client, { orgId }) => client.groupStats(orgId),
  groupRoleAssignments: (client, { orgId, groupId }) =>
    Stream.runDrain(client.groupRoleAssignments(orgId, groupId)),
  workspaces: (client, { orgId }) => Stream.runDrain(client.workspaces(orgId)),
  lastActiveDates: (client, { orgId, accountId }) => client.lastActiveDates(orgId, accountId),
  userRecords: (client, { orgId }) => Stream.runDrain(client.userRecords(orgId)),
  groupRecords: (client, { orgId }) => Stream.runDrain(client.groupRecords(orgId)),
  workspaceRecords: (client, { orgId }) => Stream.runDrain(client.workspaceRecords(orgId))
}

describe("the client and the table", () => {
  it.scoped("uses every entry of the table, and sends nothing that is not one", () =>
    Effect.gen(function* () {
      const simulator = yield* Simulator.start({ users: 30 })
      const sent: Array<{ readonly method: string; readonly url: string }> = []
      const recording = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(
          HttpClient.HttpClient,
          HttpClient.tapRequest((request) =>
            Effect.sync(() => sent.push({ method: request.method, url: request.url }))
          )
        )
      ).pipe(Layer.provide(FetchHttpClient.layer))
      const client = yield* AtlassianClient.make({
        apiKey: Redacted.make(simulator.apiKey),
        adminBaseUrl: simulator.adminBaseUrl,
        pacing: unpaced
      }).pipe(Effect.provide(recording))

      const firstId = <A>(stream: Stream.Stream<A, AtlassianError>, id: (item: A) => string | undefined) =>
        stream.pipe(
          Stream.filterMap((item) => Option.fromNullable(id(item))),
          Stream.runHead,
          Effect.map(Option.getOrThrow)
        )
      const ids = {
        orgId: simulator.orgId,
        accountId: yield* firstId(client.users(simulator.orgId), (user) => user.accountId),
        groupId: yield* firstId(client.groups(simulator.orgId), (group) => group.id)
      }
      sent.length = 0

      const basePath = new URL(simulator.adminBaseUrl).pathname
      const usedBy = new Map<string, ReadonlyArray<string>>()
      for (const [method, exercise] of Object.entries(exercises)) {
        const before = sent.length
        yield* exercise(client, ids)
        const entries = sent.slice(before).map((request) => {
          const path = new URL(request.url).pathname.slice(basePath.length)
          return Endpoints.match(request.method, path)?.name ?? `not in the table: ${request.method} ${path}`
        })
        expect(entries.length, method).toBeGreaterThan(0)
        usedBy.set(method, [...new Set(entries)])
      }

      const used = new Set([...usedBy.values()].flat())
      expect([...used].sort()).toEqual(Endpoints.all.map((endpoint) => endpoint.name).sort())
      // Each method keeps to one entry.
      for (const [method, entries] of usedBy) expect(entries, method).toHaveLength(1)
    })
  )
})

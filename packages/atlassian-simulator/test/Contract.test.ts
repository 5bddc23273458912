import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Fault, Operations, Simulator } from "../src/index.js"
import { bodyOf, call, type Page, type Reply, searchUsers, type UserDto } from "./support/http.js"
import { loadOpenApi, openApiPath } from "./support/openapi.js"
import { requestFor, siteAuth } from "./support/requests.js"

const contract = loadOpenApi()
const document = JSON.parse(readFileSync(openApiPath, "utf8")) as {
  readonly paths: Record<string, Record<string, { readonly responses?: Record<string, unknown> }>>
}

const adminOperations = Operations.operationIds.filter((id) => Operations.routeOf(id).surface === "admin")

/** The statuses the document declares for an operation. */
const declaredStatuses = (operationId: Operations.OperationId): ReadonlyArray<number> => {
  const route = Operations.routeOf(operationId)
  const responses = document.paths[route.template]?.[route.method.toLowerCase()]?.responses ?? {}
  return Object.keys(responses).map(Number)
}

/** Asserts the reply's status is declared for the operation and its body validates against that schema. */
const expectConforms = (operationId: Operations.OperationId, reply: Reply) => {
  const { method, template } = Operations.routeOf(operationId)
  const violations = contract.check(method, template, reply.status, reply.json)
  expect(violations, `${operationId} does not declare HTTP ${reply.status}`).toBeDefined()
  expect(violations, `${operationId} HTTP ${reply.status}: ${reply.text.slice(0, 300)}`).toEqual([])
}

/** Site endpoints are not in the admin document: schemas written from admin-api.md §6. */
const siteSchemas = {
  tenantInfo: {
    type: "object",
    required: ["cloudId"],
    properties: { cloudId: { type: "string", format: "uuid" } }
  },
  applicationRoles: {
    type: "array",
    items: {
      type: "object",
      required: [
        "key",
        "name",
        "numberOfSeats",
        "remainingSeats",
        "userCount",
        "hasUnlimitedSeats",
        "platform"
      ],
      properties: {
        key: { type: "string" },
        name: { type: "string" },
        numberOfSeats: { type: "integer", minimum: 0 },
        remainingSeats: { type: "integer", minimum: 0 },
        userCount: { type: "integer", minimum: 0 },
        userCountDescription: { type: "string" },
        hasUnlimitedSeats: { type: "boolean" },
        platform: { type: "boolean" },
        groups: { type: "array", items: { type: "string" } },
        defaultGroups: { type: "array", items: { type: "string" } }
      }
    }
  },
  jiraError: {
    type: "object",
    required: ["errorMessages", "errors"],
    properties: { errorMessages: { type: "array", items: { type: "string" } }, errors: { type: "object" } }
  }
} as const
const proxyError = { $ref: "openapi#/components/schemas/ProxyError" }

describe("responses conform to the OpenAPI document", () => {
  it("loads the vendored document (never skipped)", () => {
    expect(adminOperations.length).toBe(14)
    for (const operationId of adminOperations) expect(declaredStatuses(operationId)).toContain(200)
  })

  it.scoped("successful responses of every endpoint", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 6, users: 600, products: 12, groups: 60 })
      const org = sim.organisation
      for (const operationId of adminOperations) {
        const reply = yield* requestFor(sim, operationId)
        expect(reply.status, `${operationId}: ${reply.text.slice(0, 200)}`).toBe(200)
        expectConforms(operationId, reply)
      }
      // Users search pages with every expand.
      let body: Record<string, unknown> = {
        limit: 100,
        expand: ["platformRoles", "counts.resources", "productAccess", "groups"]
      }
      for (let page = 0; page < 3; page++) {
        const reply = yield* searchUsers(sim, body)
        expectConforms("searchDirectoryUsers", reply)
        const next = bodyOf<Page<UserDto>>(reply).links.next
        if (next === undefined) break
        body = { cursor: next }
      }
      // v1 managed accounts: every page (the last one has the app and customer accounts).
      let usersPath: string | undefined = `/admin/v1/orgs/${sim.orgId}/users`
      while (usersPath !== undefined) {
        const reply: Reply = yield* call(sim, usersPath)
        expectConforms("getUsers", reply)
        const next: string | undefined = (reply.json as { links: { next?: string } }).links.next
        usersPath = next === undefined ? undefined : next.slice(sim.baseUrl.length)
      }
      for (let index = 0; index < 40; index++) {
        const accountId = encodeURIComponent(org.user(index).accountId)
        expectConforms(
          "getUserLastActiveDates",
          yield* call(sim, `/admin/v1/orgs/${sim.orgId}/directory/users/${accountId}/last-active-dates`)
        )
        expectConforms(
          "getUserRoleAssignments",
          yield* call(
            sim,
            `/admin/v2/orgs/${sim.orgId}/directories/-/users/${accountId}/role-assignments?limit=100`
          )
        )
      }
      for (const group of org.groups) {
        expectConforms(
          "getGroupRoleAssignments",
          yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/-/groups/${group.id}/role-assignments`)
        )
      }
      expectConforms(
        "searchDirectoryGroups",
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/-/groups/search`, {
          method: "POST",
          body: {
            limit: 100,
            expand: ["counts.users", "counts.resources"],
            sortBy: [{ field: "name", direction: "asc" }]
          }
        })
      )
      expectConforms(
        "queryWorkspacesV2",
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/workspaces`, { method: "POST", body: { limit: 1000 } })
      )
      const directory = org.directories[1]!.directoryId
      expectConforms(
        "getUserStats",
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/${directory}/users/stats`)
      )
      expectConforms(
        "getGroupsStats",
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/${directory}/groups/stats`)
      )

      const tenant = yield* requestFor(sim, "getTenantInfo")
      expect(contract.checkSchema(siteSchemas.tenantInfo, tenant.json)).toEqual([])
      const roles = yield* requestFor(sim, "getApplicationRoles")
      expect(contract.checkSchema(siteSchemas.applicationRoles, roles.json)).toEqual([])
      expect((roles.json as ReadonlyArray<unknown>).length).toBeGreaterThan(0)
    })
  )

  it.scoped("every status each operation declares, injected, answers the declared body", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 30 })
      for (const operationId of adminOperations) {
        for (const status of declaredStatuses(operationId)) {
          if (status === 200) continue
          yield* sim.setFaults([Fault.status(operationId, status)])
          const reply = yield* requestFor(sim, operationId)
          expect(reply.status).toBe(status)
          expectConforms(operationId, reply)
        }
      }
      // Not declared anywhere, but answered by the gateway: ProxyError.
      yield* sim.setFaults([Fault.status("queryWorkspacesV2", 429), Fault.status("getUsers", 503)])
      const workspaces429 = yield* requestFor(sim, "queryWorkspacesV2")
      expect(workspaces429.status).toBe(429)
      expect(contract.checkSchema(proxyError, workspaces429.json)).toEqual([])
      expect(workspaces429.json).toEqual({ code: 429, message: "Too Many Requests" })
    })
  )

  it.scoped("errors the simulator produces itself conform too", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 20 })
      const dir = `/admin/v2/orgs/${sim.orgId}/directories/-`
      for (const operationId of adminOperations) {
        const reply = yield* requestFor(sim, operationId, { apiKey: "wrong" })
        expect(reply.status).toBe(401)
        expectConforms(operationId, reply)
      }
      const cases: ReadonlyArray<readonly [Operations.OperationId, Effect.Effect<Reply>]> = [
        ["getOrgs", call(sim, "/admin/v1/orgs?cursor=nope")],
        ["getOrgById", call(sim, "/admin/v1/orgs/unknown-org")],
        ["getUsers", call(sim, `/admin/v1/orgs/${sim.orgId}/users?cursor=garbage`)],
        ["getUsers", call(sim, "/admin/v1/orgs/unknown-org/users")],
        [
          "getUserLastActiveDates",
          call(sim, `/admin/v1/orgs/${sim.orgId}/directory/users/nobody/last-active-dates`)
        ],
        [
          "getUserLastActiveDates",
          call(
            sim,
            `/admin/v1/orgs/${sim.orgId}/directory/users/${encodeURIComponent(sim.organisation.user(0).accountId)}/last-active-dates?cursor=bad`
          )
        ],
        ["getDirectoriesForOrg", call(sim, `/admin/v2/orgs/${sim.orgId}/directories?limit=0`)],
        ["searchDirectoryUsers", searchUsers(sim, { limit: 101 })],
        ["searchDirectoryUsers", searchUsers(sim, {}, "no-such-directory")],
        ["getDirectoryUsersCount", call(sim, `${dir}/users/count?status=bogus`)],
        ["getDirectoryUsersCount", call(sim, `${dir.replace("/-", "/nope")}/users/count`)],
        ["getUserStats", call(sim, `${dir.replace("/-", "/nope")}/users/stats`)],
        ["getUserRoleAssignments", call(sim, `${dir}/users/nobody/role-assignments`)],
        ["getUserRoleAssignments", call(sim, `${dir}/users/x/role-assignments?limit=500`)],
        [
          "searchDirectoryGroups",
          call(sim, `${dir}/groups/search`, { method: "POST", body: { groupIds: ["a"], groupNames: ["b"] } })
        ],
        [
          "searchDirectoryGroups",
          call(sim, `${dir.replace("/-", "/nope")}/groups/search`, { method: "POST", body: {} })
        ],
        ["getGroupsCount", call(sim, `${dir}/groups/count?roleIds=atlassian/nope`)],
        ["getGroupsStats", call(sim, `${dir.replace("/-", "/nope")}/groups/stats`)],
        ["getGroupRoleAssignments", call(sim, `${dir}/groups/nope/role-assignments`)],
        [
          "getGroupRoleAssignments",
          call(sim, `${dir}/groups/${sim.organisation.groups[0]!.id}/role-assignments?cursor=bad`)
        ],
        [
          "queryWorkspacesV2",
          call(sim, `/admin/v2/orgs/${sim.orgId}/workspaces`, { method: "POST", body: { limit: 1001 } })
        ],
        ["queryWorkspacesV2", call(sim, `/admin/v2/orgs/unknown/workspaces`, { method: "POST", body: {} })]
      ]
      for (const [operationId, request] of cases) {
        const reply = yield* request
        expect(reply.status, `${operationId}: ${reply.text}`).toBeGreaterThanOrEqual(400)
        expectConforms(operationId, reply)
      }
      const unauthorised = yield* call(sim, "/rest/api/3/applicationrole", { apiKey: null })
      expect(unauthorised.status).toBe(401)
      expect(contract.checkSchema(siteSchemas.jiraError, unauthorised.json)).toEqual([])
    })
  )

  it.scoped("429 on every operation carries the documented body, Retry-After and X-RateLimit-*", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 10, faults: [Fault.rateLimit("*", 1, 60)] })
      for (const operationId of Operations.operationIds) {
        expect((yield* requestFor(sim, operationId)).status).toBe(200)
        const reply = yield* requestFor(sim, operationId)
        expect(reply.status, operationId).toBe(429)
        expect(Number(reply.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
        expect(reply.headers.get("x-ratelimit-limit")).toBe("1")
        expect(reply.headers.get("x-ratelimit-remaining")).toBe("0")
        expect(reply.headers.get("x-ratelimit-reset")).toMatch(/Z$/)
        const route = Operations.routeOf(operationId)
        if (route.surface === "site")
          expect(contract.checkSchema(siteSchemas.jiraError, reply.json)).toEqual([])
        else if (declaredStatuses(operationId).includes(429)) expectConforms(operationId, reply)
        else expect(contract.checkSchema(proxyError, reply.json)).toEqual([])
      }
    })
  )

  it.scoped("the malformed-body fault breaks the schema of every operation", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 30, faults: [Fault.malformedBody("*")] })
      for (const operationId of Operations.operationIds) {
        const reply = yield* requestFor(sim, operationId)
        expect(reply.status).toBe(200)
        const route = Operations.routeOf(operationId)
        const violations =
          operationId === "getTenantInfo"
            ? contract.checkSchema(siteSchemas.tenantInfo, reply.json)
            : operationId === "getApplicationRoles"
              ? contract.checkSchema(siteSchemas.applicationRoles, reply.json)
              : contract.check(route.method, route.template, 200, reply.json)
        expect(violations, operationId).not.toEqual([])
      }
      // An empty page is broken too.
      const empty = yield* searchUsers(sim, { accountIds: ["nobody"] })
      expect(
        contract.check("POST", Operations.routeOf("searchDirectoryUsers").template, 200, empty.json)
      ).not.toEqual([])
      expect(siteAuth).toMatch(/^Basic /)
    })
  )
})

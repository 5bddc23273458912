import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Fault, Operations, Simulator } from "../src/index.js"
import { bodyOf, call, type Page, type Reply, searchUsers, type UserDto } from "./support/http.js"
import { loadOpenApi } from "./support/openapi.js"

const contract = loadOpenApi()

const templateOf = (operationId: Operations.OperationId) => {
  const route = Operations.routes.find((candidate) => candidate.operationId === operationId)!
  return { method: route.method, template: route.template }
}

/** Asserts the reply's status is declared for the operation and its body validates against that schema. */
const expectConforms = (operationId: Operations.OperationId, reply: Reply) => {
  if (contract === undefined) return
  const { method, template } = templateOf(operationId)
  const violations = contract.check(method, template, reply.status, reply.json)
  expect(violations, `${operationId} does not declare HTTP ${reply.status}`).toBeDefined()
  expect(violations, `${operationId} HTTP ${reply.status}: ${reply.text.slice(0, 300)}`).toEqual([])
}

describe.skipIf(contract === undefined)("responses conform to the OpenAPI document", () => {
  it.scoped("successful responses of every operation", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 6, users: 600 })
      expectConforms("getOrgs", yield* call(sim, "/admin/v1/orgs"))
      expectConforms("getOrgById", yield* call(sim, `/admin/v1/orgs/${sim.orgId}`))
      expectConforms(
        "getDirectoriesForOrg",
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories?limit=1`)
      )
      const expandAll = {
        limit: 100,
        expand: ["platformRoles", "counts.resources", "productAccess", "groups"]
      }
      let body: Record<string, unknown> = expandAll
      for (let page = 0; page < 10; page++) {
        const reply = yield* searchUsers(sim, body)
        expectConforms("searchDirectoryUsers", reply)
        const next = bodyOf<Page<UserDto>>(reply).links.next
        if (next === undefined) break
        body = { cursor: next }
      }
      expectConforms("searchDirectoryUsers", yield* searchUsers(sim, { accountIds: ["nobody"] }))
    })
  )

  it.scoped("error responses the operations declare", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 5 })
      expectConforms("getOrgs", yield* call(sim, "/admin/v1/orgs", { apiKey: "wrong" }))
      expectConforms("getOrgs", yield* call(sim, "/admin/v1/orgs?cursor=nope"))
      expectConforms("getOrgById", yield* call(sim, `/admin/v1/orgs/${sim.orgId}`, { apiKey: null }))
      expectConforms("getOrgById", yield* call(sim, "/admin/v1/orgs/unknown-org"))
      expectConforms(
        "getDirectoriesForOrg",
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories`, { apiKey: null })
      )
      expectConforms(
        "getDirectoriesForOrg",
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories?limit=0`)
      )
      expectConforms("searchDirectoryUsers", yield* searchUsers(sim, { limit: 101 }))
      expectConforms("searchDirectoryUsers", yield* searchUsers(sim, {}, "-", { apiKey: "wrong" }))
      expectConforms("searchDirectoryUsers", yield* searchUsers(sim, {}, "no-such-directory"))

      const declared: Record<Operations.OperationId, ReadonlyArray<number>> = {
        getOrgs: [400, 401, 429, 500],
        getOrgById: [401, 404, 429, 500],
        getDirectoriesForOrg: [400, 401, 429, 500],
        searchDirectoryUsers: [400, 401, 403, 404, 429, 500]
      }
      const paths: Record<Operations.OperationId, () => Effect.Effect<Reply>> = {
        getOrgs: () => call(sim, "/admin/v1/orgs"),
        getOrgById: () => call(sim, `/admin/v1/orgs/${sim.orgId}`),
        getDirectoriesForOrg: () => call(sim, `/admin/v2/orgs/${sim.orgId}/directories`),
        searchDirectoryUsers: () => searchUsers(sim, {})
      }
      for (const operationId of Operations.operationIds) {
        for (const status of declared[operationId]) {
          yield* sim.setFaults([Fault.status(operationId, status)])
          expectConforms(operationId, yield* paths[operationId]())
        }
      }
    })
  )

  it.scoped("the malformed-body fault really breaks the schema", () =>
    Effect.gen(function* () {
      if (contract === undefined) return
      const sim = yield* Simulator.start({ users: 5, faults: [Fault.malformedBody("*")] })
      const checks = [
        ["getOrgs", yield* call(sim, "/admin/v1/orgs")],
        ["getOrgById", yield* call(sim, `/admin/v1/orgs/${sim.orgId}`)],
        ["getDirectoriesForOrg", yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories`)],
        ["searchDirectoryUsers", yield* searchUsers(sim, {})],
        ["searchDirectoryUsers", yield* searchUsers(sim, { accountIds: ["nobody"] })]
      ] as const
      for (const [operationId, reply] of checks) {
        const { method, template } = templateOf(operationId)
        expect(reply.status).toBe(200)
        expect(contract.check(method, template, 200, reply.json), operationId).not.toEqual([])
      }
    })
  )
})

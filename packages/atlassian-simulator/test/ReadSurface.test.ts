import * as Http from "node:http"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Simulator } from "../src/index.js"
import { defaultSiteCredentials } from "../src/SiteHandlers.js"
import { basicAuth, bodyOf, call, type ErrorsBody, searchUsers } from "./support/http.js"

const rawGet = (url: string, host: string) =>
  Effect.promise(
    () =>
      new Promise<{ status: number; json: unknown }>((resolve, reject) => {
        const request = Http.get(url, { headers: { Host: host } }, (response) => {
          let text = ""
          response.on("data", (chunk: Buffer) => {
            text += chunk.toString("utf8")
          })
          response.on("end", () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) }))
        })
        request.on("error", reject)
      })
  )

describe("the read surface", () => {
  it.scoped(
    "v1 users: managed accounts only, then app/customer accounts; links.next is a URL with a cursor",
    () =>
      Effect.gen(function* () {
        const sim = yield* Simulator.start({ seed: 2, users: 300 })
        const org = sim.organisation
        const seen: Array<{ account_id: string; account_type: string; access_billable?: boolean }> = []
        let path: string | undefined = `/admin/v1/orgs/${sim.orgId}/users`
        let total = 0
        while (path !== undefined) {
          const reply = yield* call(sim, path)
          expect(reply.status).toBe(200)
          const page = reply.json as { data: typeof seen; links: { next?: string }; meta: { total: number } }
          seen.push(...page.data)
          total = page.meta.total
          if (page.links.next !== undefined) {
            expect(new URL(page.links.next).searchParams.get("cursor")).toBeTruthy()
            path = page.links.next.slice(sim.baseUrl.length)
          } else path = undefined
        }
        const managed = [...org.users()].filter((user) => user.claimStatus === "managed")
        expect(seen.length).toBe(managed.length + org.extraAccountCount)
        expect(total).toBe(seen.length)
        expect(new Set(seen.map((account) => account.account_type))).toEqual(
          new Set(["atlassian", "app", "customer"])
        )
        const user0 = seen.find((account) => account.account_id === org.user(0).accountId)
        expect(user0?.access_billable).toBe(true)
      })
  )

  it.scoped("last-active-dates agree with the productAccess expand; unknown users get 404 ADMIN-404-8", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 3, users: 50 })
      const search = yield* searchUsers(sim, { limit: 50, expand: ["productAccess"] })
      const users = bodyOf<{
        data: ReadonlyArray<{
          accountId: string
          productAccess: ReadonlyArray<{ id: string; lastActiveTimestamp?: string }>
        }>
      }>(search).data
      for (const user of users.slice(0, 15)) {
        const reply = yield* call(
          sim,
          `/admin/v1/orgs/${sim.orgId}/directory/users/${encodeURIComponent(user.accountId)}/last-active-dates`
        )
        const data = (
          reply.json as {
            data: {
              product_access: ReadonlyArray<{
                id: string
                last_active: string
                last_active_timestamp: string
              }>
            }
          }
        ).data
        const expected = user.productAccess.filter((access) => access.lastActiveTimestamp !== undefined)
        expect(data.product_access.map((access) => access.id)).toEqual(expected.map((access) => access.id))
        data.product_access.forEach((access, index) => {
          expect(Date.parse(access.last_active_timestamp)).toBe(
            Date.parse(expected[index]!.lastActiveTimestamp!)
          )
          expect(access.last_active).toBe(expected[index]!.lastActiveTimestamp!.slice(0, 10))
          expect(access.last_active_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
        })
      }
      const missing = yield* call(sim, `/admin/v1/orgs/${sim.orgId}/directory/users/nobody/last-active-dates`)
      expect(missing.status).toBe(404)
      expect(bodyOf<ErrorsBody>(missing).errors[0]?.code).toBe("ADMIN-404-8")
    })
  )

  it.scoped("enforces last-active-dates' own budget with 429 ProxyError and Retry-After", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 5, lastActiveRateLimit: { limit: 3, windowSeconds: 60 } })
      const path = `/admin/v1/orgs/${sim.orgId}/directory/users/${encodeURIComponent(sim.organisation.user(0).accountId)}/last-active-dates`
      for (let i = 0; i < 3; i++) expect((yield* call(sim, path)).status).toBe(200)
      const limited = yield* call(sim, path)
      expect(limited.status).toBe(429)
      expect(limited.json).toEqual({ code: 429, message: "Too Many Requests" })
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0)
      expect(limited.headers.get("x-ratelimit-limit")).toBe("3")
      // Other operations are not affected.
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
    })
  )

  it.scoped(
    "users/count accepts repeated and comma-separated lists and agrees with search; stats add up",
    () =>
      Effect.gen(function* () {
        const sim = yield* Simulator.start({ seed: 4, users: 400 })
        const dir = `/admin/v2/orgs/${sim.orgId}/directories/-`
        const resource = sim.organisation.products[0]!.resourceId
        const a = yield* call(
          sim,
          `${dir}/users/count?status=active,suspended&resourceIds=${encodeURIComponent(resource)}&roleIds=atlassian/user`
        )
        const b = yield* call(
          sim,
          `${dir}/users/count?status=active&status=suspended&resourceIds=${encodeURIComponent(resource)}&roleIds=atlassian/user`
        )
        expect(a.json).toEqual(b.json)
        const users = [...sim.organisation.users()].filter(
          (user) =>
            (user.status === "active" || user.status === "suspended") &&
            user.roles.some((role) => role.resourceId === resource && role.role === "atlassian/user")
        )
        expect(a.json).toEqual({ count: users.length })
        expect((yield* call(sim, `${dir}/users/count`)).json).toEqual({ count: 400 })
        expect((yield* call(sim, `${dir}/users/count?mfaEnabled=maybe`)).status).toBe(400)
        expect(
          (yield* call(
            sim,
            `${dir}/users/count?accountIds=${Array.from({ length: 11 }, (_, i) => i).join(",")}`
          )).status
        ).toBe(400)
        const stats = (yield* call(sim, `${dir}/users/stats`)).json as {
          accountStatus: ReadonlyArray<{ count: number }>
        }
        expect(stats.accountStatus.reduce((sum, entry) => sum + entry.count, 0)).toBe(400)
      })
  )

  it.scoped("role assignments: direct, group_direct and inferred, filters, cursor paging", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 5, users: 20 })
      const admin = encodeURIComponent(sim.organisation.user(0).accountId)
      const path = `/admin/v2/orgs/${sim.orgId}/directories/-/users/${admin}/role-assignments`
      const all = (yield* call(sim, `${path}?limit=100`)).json as {
        data: ReadonlyArray<{
          resourceId: string
          directoryId: string | null
          roleAssignments: ReadonlyArray<{ role: string; roleAssignmentMethods: ReadonlyArray<string> }>
        }>
      }
      const methods = new Set(
        all.data.flatMap((item) => item.roleAssignments.flatMap((role) => role.roleAssignmentMethods))
      )
      expect(methods).toEqual(new Set(["direct", "group_direct", "inferred"]))
      expect(all.data.some((item) => item.directoryId === null)).toBe(true)
      const onlyAdmin = (yield* call(sim, `${path}?roleIds=atlassian/admin`)).json as typeof all
      expect(
        onlyAdmin.data.every((item) => item.roleAssignments.every((role) => role.role === "atlassian/admin"))
      ).toBe(true)
      const first = (yield* call(sim, `${path}?limit=1`)).json as typeof all & { links: { next?: string } }
      expect(first.data.length).toBe(1)
      const second = (yield* call(
        sim,
        `${path}?cursor=${encodeURIComponent(first.links.next ?? "")}&limit=50`
      )).json as typeof all
      expect(second.data[0]).toEqual(all.data[1])
      expect((yield* call(sim, `${path}?roleIds=atlassian/nope`)).status).toBe(400)
      const group = sim.organisation.groups[0]!
      const grants = (yield* call(
        sim,
        `/admin/v2/orgs/${sim.orgId}/directories/-/groups/${group.id}/role-assignments`
      )).json
      expect(grants).toMatchObject({
        data: [
          {
            resourceId: group.grants[0]!.resourceId,
            roles: ["atlassian/user"],
            defaultRole: "atlassian/user"
          }
        ]
      })
    })
  )

  it.scoped("groups search: XOR rules, limit, counts.users equal to the members users search finds", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 6, users: 300, groups: 40 })
      const path = `/admin/v2/orgs/${sim.orgId}/directories/-/groups/search`
      const post = (body: unknown) => call(sim, path, { method: "POST", body })
      expect((yield* post({ searchTerm: "x", groupNames: ["a"] })).status).toBe(400)
      expect((yield* post({ groupIds: ["x"], groupNames: ["a"] })).status).toBe(400)
      expect((yield* post({ limit: 0 })).status).toBe(400)
      expect((yield* post({ expand: ["counts.nope"] })).status).toBe(400)
      expect((yield* post({ cursor: "garbage" })).status).toBe(400)
      const page = (yield* post({ limit: 100, expand: ["counts.users"] })).json as {
        data: ReadonlyArray<{ id: string; name: string; counts: { users: number } }>
      }
      expect(page.data.length).toBe(sim.organisation.groups.length)
      for (const group of page.data.filter((_, index) => index % 7 === 0)) {
        const members = yield* searchUsers(sim, { groupIds: [group.id], limit: 100 })
        expect((members.json as { data: ReadonlyArray<unknown> }).data.length, group.name).toBe(
          group.counts.users
        )
      }
      const byName = (yield* post({ groupNames: [page.data[3]!.name.toUpperCase()] })).json as typeof page
      expect(byName.data.map((group) => group.id)).toEqual([page.data[3]!.id])
      const count = (yield* call(
        sim,
        `/admin/v2/orgs/${sim.orgId}/directories/-/groups/count?searchTerm=team`
      )).json
      expect(count).toEqual({ count: page.data.filter((group) => group.name.includes("team")).length })
    })
  )

  it.scoped("workspaces: limit up to 1000, cursor-only later pages, meta, capacity rules", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 7, users: 50, products: 30 })
      const path = `/admin/v2/orgs/${sim.orgId}/workspaces`
      const post = (body: unknown) => call(sim, path, { method: "POST", body })
      type WorkspacePage = {
        data: ReadonlyArray<{
          id: string
          attributes: { typeKey: string; capacity?: number; usage?: number }
        }>
        links: { next?: string }
        meta: { pageSize: number; startIndex: number | null; endIndex: number | null; total: number }
      }
      const first = (yield* post({ limit: 20 })).json as WorkspacePage
      expect(first.meta).toEqual({ pageSize: 20, startIndex: 0, endIndex: 19, total: 30 })
      expect((yield* post({ cursor: first.links.next, limit: 20 })).status).toBe(400)
      const second = (yield* post({ cursor: first.links.next })).json as WorkspacePage
      expect(second.meta).toEqual({ pageSize: 20, startIndex: 20, endIndex: 29, total: 30 })
      expect(second.links.next).toBeUndefined()
      const all = [...first.data, ...second.data]
      expect(all.map((workspace) => workspace.id)).toEqual(
        sim.organisation.products.map((product) => product.resourceId)
      )
      for (const workspace of all) {
        if (workspace.attributes.typeKey === "trello") expect(workspace.attributes.capacity).toBeUndefined()
        if (workspace.attributes.typeKey === "bitbucket")
          expect(workspace.attributes.capacity).toBeGreaterThan(0)
        else expect(workspace.attributes.usage).toBeUndefined()
      }
      expect((yield* post({ limit: 1001 })).status).toBe(400)
      expect((yield* post({ limit: 1000 })).status).toBe(200)
      const confluence = (yield* post({
        query: { field: { name: "attributes.typeKey", values: ["confluence"] } }
      })).json as WorkspacePage
      expect(confluence.data.every((workspace) => workspace.attributes.typeKey === "confluence")).toBe(true)
      const bad = yield* post({ query: { bogus: 1 } })
      expect(bad.status).toBe(400)
      expect(bad.json).toMatchObject({ status: "400", code: "ADMIN-400-24" })
    })
  )

  it.scoped(
    "site endpoints: tenant_info by Host header, applicationrole with basic auth, seats consistent",
    () =>
      Effect.gen(function* () {
        const sim = yield* Simulator.start({ seed: 8, users: 300 })
        const [first, second] = sim.organisation.sites
        const byHost = yield* rawGet(`${sim.baseUrl}/_edge/tenant_info`, new URL(second!.hostUrl).host)
        expect(byHost.json).toEqual({ cloudId: second!.cloudId })
        expect((yield* call(sim, "/_edge/tenant_info", { apiKey: null })).json).toEqual({
          cloudId: first!.cloudId
        })
        const denied = yield* call(sim, "/rest/api/3/applicationrole", {
          apiKey: null,
          headers: { Authorization: basicAuth("x@y", "nope") }
        })
        expect(denied.status).toBe(401)
        expect(denied.json).toMatchObject({ errors: {} })
        const roles = (yield* call(sim, "/rest/api/3/applicationrole", {
          apiKey: null,
          headers: { Authorization: basicAuth(defaultSiteCredentials.email, defaultSiteCredentials.apiToken) }
        })).json as ReadonlyArray<{
          key: string
          userCount: number
          numberOfSeats: number
          remainingSeats: number
        }>
        const jira = roles.find((role) => role.key === "jira-software")!
        const resource = sim.organisation.products.find(
          (product) => product.key === "jira-software" && product.cloudId === first!.cloudId
        )!.resourceId
        const count = yield* call(
          sim,
          `/admin/v2/orgs/${sim.orgId}/directories/-/users/count?status=active&roleIds=atlassian/user,atlassian/admin&resourceIds=${encodeURIComponent(resource)}`
        )
        expect(count.json).toEqual({ count: jira.userCount })
        expect(jira.remainingSeats).toBe(jira.numberOfSeats - jira.userCount)
        const workspaces = (yield* call(sim, `/admin/v2/orgs/${sim.orgId}/workspaces`, {
          method: "POST",
          body: { limit: 100 }
        })).json as {
          data: ReadonlyArray<{ id: string; attributes: { capacity?: number } }>
        }
        expect(workspaces.data.find((workspace) => workspace.id === resource)?.attributes.capacity).toBe(
          jira.numberOfSeats
        )
      })
  )

  it.scoped("keeps the deprecated v2 GET users and groups lists unimplemented", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 3 })
      expect((yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/-/users`)).status).toBe(404)
      expect((yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/-/groups`)).status).toBe(404)
    })
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { Organisation, type SimulatedUser, Simulator, SimulatorError } from "../src/index.js"
import {
  bodyOf,
  call,
  type ErrorsBody,
  type Page,
  searchUsers,
  type UserDto,
  walkUsers
} from "./support/http.js"

describe("Simulator server", () => {
  it.scoped("serves GET /admin/v1/orgs and /admin/v1/orgs/{orgId}", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 4, users: 10 })
      expect(sim.adminBaseUrl).toBe(`${sim.baseUrl}/admin`)
      expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const list = yield* call(sim, "/admin/v1/orgs")
      expect(list.status).toBe(200)
      expect(list.json).toEqual({
        data: [
          {
            id: sim.orgId,
            type: "orgs",
            attributes: { name: sim.organisation.name },
            relationships: {
              domains: { links: { related: `${sim.adminBaseUrl}/v1/orgs/${sim.orgId}/domains` } },
              users: { links: { related: `${sim.adminBaseUrl}/v1/orgs/${sim.orgId}/users` } }
            },
            links: { self: `${sim.adminBaseUrl}/v1/orgs/${sim.orgId}` }
          }
        ],
        links: { self: `${sim.adminBaseUrl}/v1/orgs` }
      })
      const one = yield* call(sim, `/admin/v1/orgs/${sim.orgId}`)
      expect(one.status).toBe(200)
      expect(one.json).toEqual({ data: (list.json as { data: ReadonlyArray<unknown> }).data[0] })
    })
  )

  it.scoped("answers an unknown org with 404 ADMIN-404-2", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 1 })
      const reply = yield* call(sim, "/admin/v1/orgs/00000000-0000-4000-8000-000000000000")
      expect(reply.status).toBe(404)
      const body = bodyOf<ErrorsBody>(reply)
      expect(body.errors[0]).toMatchObject({ status: "404", code: "ADMIN-404-2" })
      expect(body.errors[0]?.id).toBe(reply.headers.get("atl-traceid"))
    })
  )

  it.scoped("sets Content-Type, atl-traceid and the X-RateLimit-* headers on every response", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 1, rateLimit: { limit: 50, windowSeconds: 60 } })
      const replies = [
        yield* call(sim, "/admin/v1/orgs"),
        yield* call(sim, "/admin/v1/orgs", { apiKey: null }),
        yield* call(sim, "/admin/v9/nothing"),
        yield* searchUsers(sim, { limit: 0 })
      ]
      const traceIds = new Set<string | null>()
      replies.forEach((reply, index) => {
        expect(reply.headers.get("content-type")).toBe("application/json")
        traceIds.add(reply.headers.get("atl-traceid"))
        expect(reply.headers.get("x-ratelimit-limit")).toBe("50")
        expect(reply.headers.get("x-ratelimit-remaining")).toBe(String(50 - index - 1))
        const reset = reply.headers.get("x-ratelimit-reset") ?? ""
        expect(reset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
        expect(Date.parse(reset)).toBeGreaterThan(Date.now())
      })
      expect(traceIds.size).toBe(4)
      expect(yield* sim.requestCount).toBe(4)
    })
  )

  it.scoped("enforces the rate limit when asked, with Retry-After", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({
        users: 1,
        rateLimit: { limit: 2, windowSeconds: 30, enforce: true }
      })
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
      const limited = yield* call(sim, "/admin/v1/orgs")
      expect(limited.status).toBe(429)
      expect(limited.json).toEqual({ code: 429, message: "Too Many Requests" })
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0)
      expect(limited.headers.get("x-ratelimit-remaining")).toBe("0")
    })
  )

  it.scoped("rejects a missing or wrong key with the 401 body each operation declares", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 5 })
      for (const path of ["/admin/v1/orgs", `/admin/v1/orgs/${sim.orgId}`]) {
        for (const apiKey of [null, "wrong-key"]) {
          const reply = yield* call(sim, path, { apiKey })
          expect(reply.status).toBe(401)
          expect(reply.json).toEqual({ code: 401, message: "Unauthorized" })
        }
      }
      const directories = yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories`, { apiKey: "wrong-key" })
      expect(directories.status).toBe(401)
      expect(bodyOf<ErrorsBody>(directories).errors[0]).toMatchObject({
        status: "401",
        title: "Unauthorized"
      })
      const users = yield* searchUsers(sim, {}, "-", { apiKey: null })
      expect(users.status).toBe(401)
      expect(bodyOf<ErrorsBody>(users).errors).toHaveLength(1)
      // The scheme is case-insensitive, the key is not.
      expect((yield* call(sim, "/admin/v1/orgs", { apiKey: sim.apiKey.toUpperCase() })).status).toBe(401)
    })
  )

  it.scoped("answers unknown routes 404 and wrong methods 405", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 1 })
      const unknown = yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/-/groups`)
      expect(unknown.status).toBe(404)
      expect(bodyOf<ErrorsBody>(unknown).errors[0]?.code).toBe("ADMIN-404-1")
      expect((yield* call(sim, "/nothing-here")).status).toBe(404)
      const wrongMethod = yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/-/users/search`)
      expect(wrongMethod.status).toBe(405)
      expect(wrongMethod.headers.get("allow")).toBe("POST")
      expect(bodyOf<ErrorsBody>(wrongMethod).errors[0]?.code).toBe("ADMIN-405-1")
      expect((yield* call(sim, "/admin/v1/orgs", { method: "DELETE" })).status).toBe(405)
    })
  )

  it.scoped("lists directories with cursor paging and filters", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 1, users: 50 })
      const directories = sim.organisation.directories
      const all = yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories`)
      expect(all.status).toBe(200)
      const page = bodyOf<Page<{ directoryId: string; name: string; icon: string }>>(all)
      expect(page.data.map((directory) => directory.directoryId)).toEqual(
        directories.map((d) => d.directoryId)
      )
      expect(page.links.next).toBeUndefined()
      expect(typeof page.links.self).toBe("string")

      const first = bodyOf<Page<{ directoryId: string }>>(
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories?limit=1`)
      )
      expect(first.data).toHaveLength(1)
      const second = bodyOf<Page<{ directoryId: string }>>(
        yield* call(
          sim,
          `/admin/v2/orgs/${sim.orgId}/directories?cursor=${encodeURIComponent(first.links.next ?? "")}&limit=99`
        )
      )
      expect(second.data.map((d) => d.directoryId)).toEqual([directories[1]?.directoryId])

      const idp = directories[1]!
      const byId = bodyOf<Page<{ directoryId: string }>>(
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories?directoryIds=${idp.directoryId}`)
      )
      expect(byId.data.map((d) => d.directoryId)).toEqual([idp.directoryId])
      const byName = bodyOf<Page<{ name: string }>>(
        yield* call(
          sim,
          `/admin/v2/orgs/${sim.orgId}/directories?searchTerm=${encodeURIComponent(idp.name.slice(0, 5).toUpperCase())}`
        )
      )
      expect(byName.data.map((d) => d.name)).toContain(idp.name)
      const member = sim.organisation.user(0)
      const byAccount = bodyOf<Page<{ directoryId: string }>>(
        yield* call(
          sim,
          `/admin/v2/orgs/${sim.orgId}/directories?accountId=${encodeURIComponent(member.accountId)}`
        )
      )
      expect(byAccount.data.map((d) => d.directoryId)).toEqual(member.directoryIds)

      for (const bad of ["limit=0", "limit=101", "limit=abc", "cursor=garbage"]) {
        const reply = yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories?${bad}`)
        expect(reply.status).toBe(400)
        expect(bodyOf<ErrorsBody>(reply).errors[0]?.status).toBe("400")
      }
    })
  )

  it.scoped("stops listening when its scope closes", () =>
    Effect.gen(function* () {
      const baseUrl = yield* Effect.scoped(
        Effect.gen(function* () {
          const sim = yield* Simulator.start({ users: 1 })
          // An idle keep-alive connection must not keep the server open.
          expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
          return sim.baseUrl
        })
      )
      const after = yield* Effect.tryPromise(() => fetch(`${baseUrl}/admin/v1/orgs`)).pipe(Effect.exit)
      expect(Exit.isFailure(after)).toBe(true)
    })
  )

  it.scoped("listens on a given port and fails with SimulatorError when it is taken", () =>
    Effect.gen(function* () {
      const first = yield* Simulator.start({ users: 1 })
      const port = Number(new URL(first.baseUrl).port)
      const clash = yield* Effect.scoped(Simulator.start({ users: 1, port })).pipe(Effect.flip)
      expect(clash).toBeInstanceOf(SimulatorError)
      expect(clash.reason).toBe("ListenFailed")
      const invalid = yield* Effect.scoped(Simulator.start({ users: -3 })).pipe(Effect.flip)
      expect(invalid.reason).toBe("InvalidOptions")
    })
  )

  it.effect("provides the Simulator service through its layer", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.Simulator
      expect(sim.apiKey).toBe(Simulator.defaultApiKey)
      expect(sim.orgId).toBe(Organisation.make({ seed: 9 }).orgId)
      expect((yield* call(sim, `/admin/v1/orgs/${sim.orgId}`)).status).toBe(200)
    }).pipe(Effect.provide(Simulator.layer({ seed: 9, users: 3 })))
  )
})

describe("POST …/users/search", () => {
  it.scoped("walks 250 users in three pages of at most 100", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 1, users: 250 })
      const pages = yield* walkUsers(sim, { limit: 100 })
      expect(pages.map((page) => page.data.length)).toEqual([100, 100, 50])
      const ids = pages.flatMap((page) => page.data.map((user) => user.accountId))
      expect(ids).toEqual([...sim.organisation.users()].map((user) => user.accountId))
      expect(pages[2]?.links.next).toBeUndefined()
    })
  )

  it.scoped("ends an exact multiple of the limit with an empty last page", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 1, users: 200 })
      const pages = yield* walkUsers(sim, { limit: 100 })
      expect(pages.map((page) => page.data.length)).toEqual([100, 100, 0])
      expect(Object.keys(pages[2]?.links ?? {})).toEqual(["self"])
      expect(pages[2]?.data).toEqual([])
    })
  )

  it.scoped("uses a page size of 50 by default and accepts an empty body", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 1, users: 120 })
      const withBody = bodyOf<Page<UserDto>>(yield* searchUsers(sim, {}))
      expect(withBody.data).toHaveLength(50)
      const empty = yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/-/users/search`, {
        method: "POST"
      })
      expect(empty.status).toBe(200)
      expect(bodyOf<Page<UserDto>>(empty).data).toHaveLength(50)
    })
  )

  it.scoped("returns the links.next cursor as a bare opaque token that resumes the query", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 2, users: 300 })
      const query = { status: ["active"], limit: 20, expand: ["groups"] }
      const first = bodyOf<Page<UserDto>>(yield* searchUsers(sim, query))
      const next = first.links.next ?? ""
      expect(next).not.toMatch(/^https?:/)
      // Only the cursor is sent: the filters, limit and expand come back from it.
      const second = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { cursor: next }))
      expect(second.data).toHaveLength(20)
      expect(second.data.every((user) => user.status === "active" && Array.isArray(user.groups))).toBe(true)
      const expected = [...sim.organisation.users()].filter((user) => user.status === "active").slice(20, 40)
      expect(second.data.map((user) => user.accountId)).toEqual(expected.map((user) => user.accountId))
      // Resuming the same cursor twice gives the same page; self re-fetches the current page.
      expect(bodyOf<Page<UserDto>>(yield* searchUsers(sim, { cursor: next }))).toEqual(second)
      expect(bodyOf<Page<UserDto>>(yield* searchUsers(sim, { cursor: first.links.self }))).toEqual(first)
      // A limit sent with the cursor changes the page size.
      expect(bodyOf<Page<UserDto>>(yield* searchUsers(sim, { cursor: next, limit: 5 })).data).toHaveLength(5)
    })
  )

  it.scoped("rejects garbage and foreign cursors with 400", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 2, users: 30 })
      const first = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 10 }))
      const cursor = first.links.next ?? ""
      for (const bad of ["garbage", `${cursor}x`, `x${cursor}`, ""]) {
        const reply = yield* searchUsers(sim, { cursor: bad })
        expect(reply.status).toBe(400)
        expect(bodyOf<ErrorsBody>(reply).errors[0]?.code).toBe("ADMIN-400-1")
      }
      const otherDirectory = sim.organisation.directories[0]!.directoryId
      expect((yield* searchUsers(sim, { cursor }, otherDirectory)).status).toBe(400)
    })
  )

  it.scoped("validates the body as the OpenAPI document constrains it", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 5 })
      const invalid: ReadonlyArray<unknown> = [
        { limit: 0 },
        { limit: 101 },
        { limit: 2.5 },
        { limit: "50" },
        { searchTerm: "a", emails: ["a@example.com"] },
        { accountIds: [] },
        { accountIds: Array.from({ length: 11 }, (_, i) => `id${i}`) },
        { status: ["active", "suspended", "not_invited", "deactivated", "for_deletion"] },
        { status: ["retired"] },
        { claimStatus: "owned" },
        { expand: ["everything"] },
        { expand: ["groups", "groups"] },
        { emails: ["a@example.com", "a@example.com"] },
        { roleIds: ["atlassian/superuser"] },
        { resourceIds: Array.from({ length: 21 }, (_, i) => `ari:cloud:jira-software::site/${i}`) },
        { sortBy: [{ field: "email", direction: "asc" }] },
        { mfaEnabled: "yes" },
        "not json",
        [1, 2]
      ]
      for (const body of invalid) {
        const reply = yield* searchUsers(sim, body)
        expect(reply.status, JSON.stringify(body)).toBe(400)
        const error = bodyOf<ErrorsBody>(reply).errors[0]
        expect(error?.status).toBe("400")
        expect(error?.detail.length).toBeGreaterThan(0)
      }
      expect((yield* searchUsers(sim, { sortBy: null, limit: 1, searchTerm: "" })).status).toBe(200)
    })
  )

  it.scoped("answers 404 for an unknown org or directory", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 5 })
      expect((yield* searchUsers(sim, {}, "no-such-directory")).status).toBe(404)
      const reply = yield* call(sim, "/admin/v2/orgs/other-org/directories/-/users/search", {
        method: "POST",
        body: {}
      })
      expect(reply.status).toBe(404)
      expect(bodyOf<ErrorsBody>(reply).errors[0]?.code).toBe("ADMIN-404-2")
    })
  )

  it.scoped("includes expand-only fields only when requested", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 1, users: 40 })
      const expandOnly = ["platformRoles", "counts", "productAccess", "groups"]
      const plain = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 40 }))
      for (const user of plain.data) for (const field of expandOnly) expect(user).not.toHaveProperty(field)

      const full = bodyOf<Page<UserDto>>(
        yield* searchUsers(sim, {
          limit: 40,
          expand: ["platformRoles", "counts.resources", "productAccess", "groups"]
        })
      )
      full.data.forEach((user, index) => {
        const expected = sim.organisation.user(index)
        expect(user.platformRoles).toEqual(expected.platformRoles)
        expect(user.counts).toEqual({
          resources: new Set(expected.roles.map((role) => role.resourceId)).size
        })
        expect(user.productAccess).toEqual(expected.productAccess)
        expect(user.groups?.map((group) => group.id)).toEqual(expected.groupIds)
      })
      expect(full.data[0]?.platformRoles).toContain("atlassian/org-admin")

      const onlyGroups = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 5, expand: ["groups"] }))
      expect(onlyGroups.data[0]).toHaveProperty("groups")
      expect(onlyGroups.data[0]).not.toHaveProperty("productAccess")
    })
  )

  it.scoped("limits expand groups and the users to the requested directory", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 1, users: 200 })
      const idp = sim.organisation.directories[1]!
      const pages = yield* walkUsers(sim, { limit: 100, expand: ["groups"] }, idp.directoryId)
      const users = pages.flatMap((page) => page.data)
      const expected = [...sim.organisation.users()].filter((user) =>
        user.directoryIds.includes(idp.directoryId)
      )
      expect(users.map((user) => user.accountId)).toEqual(expected.map((user) => user.accountId))
      for (const user of users) {
        for (const group of user.groups ?? [])
          expect(sim.organisation.group(group.id)?.directoryId).toBe(idp.directoryId)
      }
    })
  )

  it.scoped("applies each filter", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 3, users: 400 })
      const organisation = sim.organisation
      const everyone = [...organisation.users()]
      const search = (body: Record<string, unknown>) =>
        walkUsers(sim, { limit: 100, ...body }).pipe(
          Effect.map((pages) => pages.flatMap((page) => page.data.map((user) => user.accountId)))
        )
      const expectFilter = (body: Record<string, unknown>, keep: (user: SimulatedUser) => boolean) =>
        Effect.gen(function* () {
          const expected = everyone.filter(keep).map((user) => user.accountId)
          expect(expected.length, JSON.stringify(body)).toBeGreaterThan(0)
          expect(yield* search(body), JSON.stringify(body)).toEqual(expected)
        })

      const someUsers = [everyone[5]!, everyone[17]!, everyone[300]!]
      yield* expectFilter({ accountIds: someUsers.map((user) => user.accountId) }, (user) =>
        someUsers.includes(user)
      )
      const idp = organisation.directories[1]!.directoryId
      yield* expectFilter({ directoryIds: [idp] }, (user) => user.directoryIds.includes(idp))
      yield* expectFilter({ claimStatus: "unmanaged" }, (user) => user.claimStatus === "unmanaged")
      yield* expectFilter({ status: ["suspended", "deactivated"] }, (user) =>
        ["suspended", "deactivated"].includes(user.status)
      )
      yield* expectFilter({ accountStatus: ["inactive"] }, (user) => user.accountStatus === "inactive")
      yield* expectFilter(
        { membershipStatus: ["no_membership"] },
        (user) => user.membershipStatus === "no_membership"
      )
      yield* expectFilter({ mfaEnabled: false }, (user) => !user.mfaEnabled)
      const domain = organisation.verifiedDomains[1]!
      yield* expectFilter({ emailDomains: [domain] }, (user) => user.email?.endsWith(`@${domain}`) ?? false)
      yield* expectFilter({ searchTerm: "ALICE" }, (user) =>
        `${user.nickname}\n${user.email ?? ""}`.toLowerCase().includes("alice")
      )
      const withEmail = everyone.filter((user) => user.email !== undefined).slice(0, 3)
      yield* expectFilter({ emails: withEmail.map((user) => user.email!.toUpperCase()) }, (user) =>
        withEmail.includes(user)
      )
      const team = organisation.groups.find((group) => group.name === "team-platform")!
      yield* expectFilter({ groupIds: [team.id] }, (user) => user.groupIds.includes(team.id))
      const confluence = organisation.products.find((product) => product.key === "confluence")!
      yield* expectFilter({ resourceIds: [confluence.resourceId] }, (user) =>
        user.roles.some((role) => role.resourceId === confluence.resourceId)
      )
      yield* expectFilter({ resourceIds: [confluence.resourceId], roleIds: ["atlassian/guest"] }, (user) =>
        user.roles.some(
          (role) => role.resourceId === confluence.resourceId && role.role === "atlassian/guest"
        )
      )
      yield* expectFilter({ roleIds: ["atlassian/org-admin"] }, (user) =>
        user.platformRoles.includes("atlassian/org-admin")
      )
      yield* expectFilter(
        { status: ["active"], claimStatus: "managed", mfaEnabled: true },
        (user) => user.status === "active" && user.claimStatus === "managed" && user.mfaEnabled
      )
      expect(yield* search({ accountIds: ["nobody"] })).toEqual([])
    })
  )

  it.scoped("sorts by nickname when asked", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ seed: 3, users: 150 })
      const pages = yield* walkUsers(sim, { limit: 40, sortBy: [{ field: "nick_name", direction: "desc" }] })
      const nicknames = pages.flatMap((page) => page.data.map((user) => user.nickname.toLowerCase()))
      expect(nicknames).toHaveLength(150)
      expect(nicknames).toEqual([...nicknames].sort().reverse())
    })
  )
})

describe("Simulated latency", () => {
  it.scoped("delays every response by latencyMillis", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 1, latencyMillis: 120 })
      const started = Date.now()
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(110)
    })
  )
})

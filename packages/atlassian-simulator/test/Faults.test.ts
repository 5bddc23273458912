import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Fault, Simulator } from "../src/index.js"
import { bodyOf, call, type ErrorsBody, type Page, searchUsers, type UserDto } from "./support/http.js"

describe("Fault injection", () => {
  it.scoped("answers the nth call with the status and its documented body", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({
        users: 10,
        faults: [Fault.status("searchDirectoryUsers", 500, { calls: { nth: 2 } })]
      })
      expect((yield* searchUsers(sim, {})).status).toBe(200)
      const failed = yield* searchUsers(sim, {})
      expect(failed.status).toBe(500)
      expect(bodyOf<ErrorsBody>(failed).errors[0]).toMatchObject({ status: "500", code: "ADMIN-500-1" })
      expect((yield* searchUsers(sim, {})).status).toBe(200)
      // Other operations are unaffected.
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
    })
  )

  it.scoped(
    "uses each family's body: ProxyError, ApplicationError and NoPermsError on v1; Errors on v2",
    () =>
      Effect.gen(function* () {
        const sim = yield* Simulator.start({ users: 1 })
        const orgPath = `/admin/v1/orgs/${sim.orgId}`
        const cases: ReadonlyArray<readonly [number, (body: unknown) => void]> = [
          [401, (body) => expect(body).toEqual({ code: 401, message: "Unauthorized" })],
          [429, (body) => expect(body).toEqual({ code: 429, message: "Too Many Requests" })],
          [503, (body) => expect(body).toMatchObject({ code: 503 })],
          [500, (body) => expect((body as ErrorsBody).errors[0]?.code).toBe("ADMIN-500-1")],
          [404, (body) => expect((body as ErrorsBody).errors[0]?.code).toBe("ADMIN-404-2")],
          [
            403,
            (body) =>
              expect(body).toMatchObject({
                status: 403,
                error: "Forbidden",
                path: orgPath,
                message: expect.any(String)
              })
          ]
        ]
        for (const [status, check] of cases) {
          yield* sim.setFaults([Fault.status("getOrgById", status)])
          const reply = yield* call(sim, orgPath)
          expect(reply.status).toBe(status)
          check(reply.json)
        }
        for (const status of [401, 403, 404, 429, 500, 503]) {
          yield* sim.setFaults([Fault.status("searchDirectoryUsers", status, { detail: "injected" })])
          const reply = yield* searchUsers(sim, {})
          expect(reply.status).toBe(status)
          expect(bodyOf<ErrorsBody>(reply).errors[0]).toMatchObject({
            status: String(status),
            detail: "injected"
          })
        }
      })
  )

  it.scoped("sends Retry-After in seconds with 429", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({
        users: 10,
        faults: [Fault.rateLimited("searchDirectoryUsers", { from: 1, to: 2 }, 3)]
      })
      for (let attempt = 0; attempt < 2; attempt++) {
        const reply = yield* searchUsers(sim, {})
        expect(reply.status).toBe(429)
        expect(reply.headers.get("retry-after")).toBe("3")
        expect(bodyOf<ErrorsBody>(reply).errors[0]?.code).toBe("ADMIN-429-1")
      }
      expect((yield* searchUsers(sim, {})).status).toBe(200)
      yield* sim.setFaults([Fault.status("getOrgs", 429)])
      const defaulted = yield* call(sim, "/admin/v1/orgs")
      expect(defaulted.headers.get("retry-after")).toBe("1")
      yield* sim.setFaults([Fault.status("getOrgs", 429, { retryAfterSeconds: null })])
      expect((yield* call(sim, "/admin/v1/orgs")).headers.get("retry-after")).toBeNull()
    })
  )

  it.scoped("breaks the schema with a malformed body: a user's accountId becomes a number", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 10, faults: [Fault.malformedBody("searchDirectoryUsers")] })
      const reply = yield* searchUsers(sim, {})
      expect(reply.status).toBe(200)
      const page = bodyOf<Page<Record<string, unknown>>>(reply)
      expect(typeof page.data[0]?.accountId).toBe("number")
      expect(typeof page.data[1]?.accountId).toBe("string")

      yield* sim.setFaults([Fault.malformedBody("*")])
      expect(
        typeof bodyOf<{ data: ReadonlyArray<{ id: unknown }> }>(yield* call(sim, "/admin/v1/orgs")).data[0]
          ?.id
      ).toBe("number")
      expect(
        typeof bodyOf<{ data: { id: unknown } }>(yield* call(sim, `/admin/v1/orgs/${sim.orgId}`)).data.id
      ).toBe("number")
      const directories = bodyOf<Page<Record<string, unknown>>>(
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories`)
      )
      expect(typeof directories.data[0]?.directoryId).toBe("number")
      // An empty page cannot carry a bad item, so `data` itself stops being an array.
      const empty = bodyOf<{ data: unknown }>(yield* searchUsers(sim, { accountIds: ["nobody"] }))
      expect(Array.isArray(empty.data)).toBe(false)
    })
  )

  it.scoped("breaks one record with a wrong-typed record: the rest of the page is untouched", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({
        users: 10,
        faults: [Fault.wrongTypedRecord("searchDirectoryUsers", { calls: { nth: 1 }, index: 2 })]
      })
      const page = bodyOf<Page<Record<string, unknown>>>(yield* searchUsers(sim, {}))
      expect(page.data.map((user) => typeof user.accountId)).toEqual([
        "string",
        "string",
        "number",
        ...Array.from({ length: page.data.length - 3 }, () => "string")
      ])
      expect(page.data[2]?.accountId).toBe(12345)
      // Any field, any value: a date that is not one, an id that cannot go into a path.
      yield* sim.setFaults([
        Fault.wrongTypedRecord("searchDirectoryUsers", { field: "addedToOrg", value: "abc 5" })
      ])
      expect(bodyOf<Page<Record<string, unknown>>>(yield* searchUsers(sim, {})).data[0]?.addedToOrg).toBe(
        "abc 5"
      )
      yield* sim.setFaults([Fault.wrongTypedRecord("searchDirectoryGroups", { value: ".." })])
      const groups = bodyOf<Page<Record<string, unknown>>>(
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/-/groups/search`, {
          method: "POST",
          body: {}
        })
      )
      expect(groups.data[0]?.id).toBe("..")
    })
  )

  it.scoped("repeats the previous page's records under the page's own next cursor", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({
        users: 300,
        faults: [Fault.repeatedPage("searchDirectoryUsers", { nth: 2 })]
      })
      const clean = yield* Simulator.start({ users: 300 })
      const first = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 100 }))
      const second = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 100, cursor: first.links.next }))
      const cleanFirst = bodyOf<Page<UserDto>>(yield* searchUsers(clean, { limit: 100 }))
      const cleanSecond = bodyOf<Page<UserDto>>(
        yield* searchUsers(clean, { limit: 100, cursor: cleanFirst.links.next })
      )
      expect(second.data.map((user) => user.accountId)).toEqual(first.data.map((user) => user.accountId))
      // The cursor is the real one: the walk goes on past the records it never listed.
      expect(second.links.next).toBe(cleanSecond.links.next)
      expect(second.links.next).not.toBe(first.links.next)
      const third = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 100, cursor: second.links.next }))
      expect(third.data).toHaveLength(100)
    })
  )

  it.scoped("answers the cursor it was asked with as the next one (the first page is unchanged)", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({
        users: 300,
        faults: [Fault.repeatedCursor("searchDirectoryUsers")]
      })
      const clean = yield* Simulator.start({ users: 300 })
      const first = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 100 }))
      const cleanFirst = bodyOf<Page<UserDto>>(yield* searchUsers(clean, { limit: 100 }))
      // No cursor was given: nothing to repeat.
      expect(first.links.next).toBe(cleanFirst.links.next)
      const cursor = first.links.next ?? ""
      expect(cursor).not.toBe("")
      const second = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 100, cursor }))
      const cleanSecond = bodyOf<Page<UserDto>>(yield* searchUsers(clean, { limit: 100, cursor }))
      // The records are the real second page; only the next cursor is the one it was asked with.
      expect(second.data.map((user) => user.accountId)).toEqual(
        cleanSecond.data.map((user) => user.accountId)
      )
      expect(second.links.next).toBe(cursor)
      expect(cleanSecond.links.next).not.toBe(cursor)
    })
  )

  it.scoped("repeats a v1 cursor inside the next link's URL", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 300, faults: [Fault.repeatedCursor("getUsers")] })
      const first = bodyOf<{ links: { next?: string } }>(
        yield* call(sim, `/admin/v1/orgs/${sim.orgId}/users`)
      )
      const next = first.links.next ?? ""
      const cursor = new URL(next).searchParams.get("cursor")
      expect(cursor).not.toBeNull()
      const second = bodyOf<{ links: { next?: string } }>(yield* call(sim, next.slice(sim.baseUrl.length)))
      expect(new URL(second.links.next ?? "").searchParams.get("cursor")).toBe(cursor)
    })
  )

  it.scoped("hides records from the listing while the count still includes them", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({
        users: 50,
        faults: [Fault.hiddenRecords("searchDirectoryUsers", 3)]
      })
      const page = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 100 }))
      expect(page.data).toHaveLength(47)
      const count = bodyOf<{ count: number }>(
        yield* call(sim, `/admin/v2/orgs/${sim.orgId}/directories/-/users/count`)
      )
      expect(count.count).toBe(50)
    })
  )

  it.scoped("truncates the JSON", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 10, faults: [Fault.truncatedJson("getOrgs", { nth: 1 })] })
      const reply = yield* call(sim, "/admin/v1/orgs")
      expect(reply.status).toBe(200)
      expect(reply.json).toBeUndefined()
      expect(reply.text.startsWith('{"data":[')).toBe(true)
      expect((yield* call(sim, "/admin/v1/orgs")).json).toBeDefined()
    })
  )

  it.scoped("revokes the key from the nth request on, until the faults are replaced", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 300, faults: [Fault.revokeKey({ from: 3 })] })
      const first = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 100 }))
      const second = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { cursor: first.links.next }))
      expect(second.data).toHaveLength(100)
      const third = yield* searchUsers(sim, { cursor: second.links.next })
      expect(third.status).toBe(401)
      expect(bodyOf<ErrorsBody>(third).errors[0]?.status).toBe("401")
      // Revoked for every operation, not just the one that tripped it.
      expect((yield* call(sim, "/admin/v1/orgs")).json).toEqual({ code: 401, message: "Unauthorized" })
      yield* sim.setFaults([])
      expect((yield* searchUsers(sim, { cursor: second.links.next })).status).toBe(200)
    })
  )

  it.scoped("lets a test revoke the key mid-run with setFaults; call counts restart", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 300 })
      const first = bodyOf<Page<UserDto>>(yield* searchUsers(sim, { limit: 100 }))
      yield* sim.setFaults([Fault.revokeKey()])
      expect((yield* searchUsers(sim, { cursor: first.links.next })).status).toBe(401)
      yield* sim.setFaults([Fault.status("searchDirectoryUsers", 503, { calls: { nth: 1 } })])
      expect((yield* searchUsers(sim, {})).status).toBe(503)
      expect((yield* searchUsers(sim, {})).status).toBe(200)
      expect(yield* sim.requestCount).toBe(4)
      expect((yield* sim.requestCounts).searchDirectoryUsers).toBe(4)
    })
  )
})

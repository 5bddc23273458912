import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Fiber, Schedule } from "effect"
import { Fault, FaultSpec, Simulator } from "../src/index.js"
import { call } from "./support/http.js"

const parse = (spec: string) => FaultSpec.parseFaultSpec(spec)
const errorOf = (spec: string) => {
  const result = parse(spec)
  if (Either.isRight(result)) throw new Error(`expected ${spec} to be rejected`)
  return result.left.message
}

describe("the --faults syntax", () => {
  it("parses the documented example", () => {
    expect(
      parse(
        "searchDirectoryUsers:status=503:calls=2-4,*:latency=50,getOrgById:reset:nth=1,lastActive:ratelimit=200/min"
      )
    ).toEqual(
      Either.right([
        Fault.status("searchDirectoryUsers", 503, { calls: { from: 2, to: 4 } }),
        Fault.latency("*", 50),
        Fault.reset("getOrgById", { nth: 1 }),
        Fault.rateLimit("getUserLastActiveDates", 200, 60)
      ])
    )
  })

  it("parses every action and option", () => {
    expect(parse("")).toEqual(Either.right([]))
    expect(parse(" getUsers:malformed:from=3 , workspaces:truncated:calls=5 ")).toEqual(
      Either.right([
        Fault.malformedBody("getUsers", { from: 3 }),
        Fault.truncatedJson("queryWorkspacesV2", { nth: 5 })
      ])
    )
    expect(parse("*:revoke:calls=10-")).toEqual(Either.right([Fault.revokeKey({ from: 10 }, "*")]))
    expect(parse("getOrgs:status=429:retryAfter=7")).toEqual(
      Either.right([Fault.status("getOrgs", 429, { retryAfterSeconds: 7 })])
    )
    expect(parse("*:latency=20~10,getOrgs:latency=5:jitter=3")).toEqual(
      Either.right([
        Fault.latency("*", 20, { jitterMillis: 10 }),
        Fault.latency("getOrgs", 5, { jitterMillis: 3 })
      ])
    )
    expect(parse("*:ratelimit=5/s,getOrgs:ratelimit=10/30s,getUsers:ratelimit=1000/h")).toEqual(
      Either.right([
        Fault.rateLimit("*", 5, 1),
        Fault.rateLimit("getOrgs", 10, 30),
        Fault.rateLimit("getUsers", 1000, 3600)
      ])
    )
  })

  it("parses the record-level faults: wrong-typed record, repeated page, repeated cursor, hidden records", () => {
    expect(
      parse(
        "searchDirectoryUsers:wrongtyped:nth=2,searchDirectoryUsers:wrongtyped:field=addedToOrg:value=abc 5:index=3"
      )
    ).toEqual(
      Either.right([
        Fault.wrongTypedRecord("searchDirectoryUsers", { calls: { nth: 2 } }),
        Fault.wrongTypedRecord("searchDirectoryUsers", { field: "addedToOrg", value: "abc 5", index: 3 })
      ])
    )
    expect(parse("searchDirectoryGroups:wrongtyped:value=12345")).toEqual(
      Either.right([Fault.wrongTypedRecord("searchDirectoryGroups", { value: 12345 })])
    )
    expect(parse("searchDirectoryUsers:repeated:nth=3,searchDirectoryUsers:hide=5:calls=1")).toEqual(
      Either.right([
        Fault.repeatedPage("searchDirectoryUsers", { nth: 3 }),
        Fault.hiddenRecords("searchDirectoryUsers", 5, { nth: 1 })
      ])
    )
    expect(parse("searchDirectoryGroups:repeatedcursor:nth=2,getUsers:repeatedcursor")).toEqual(
      Either.right([
        Fault.repeatedCursor("searchDirectoryGroups", { nth: 2 }),
        Fault.repeatedCursor("getUsers")
      ])
    )
    expect(errorOf("searchDirectoryUsers:repeatedcursor=1")).toMatch(/takes no value/)
    expect(errorOf("searchDirectoryUsers:hide=0")).toMatch(/positive number of records/)
    expect(errorOf("searchDirectoryUsers:repeated=2")).toMatch(/takes no value/)
    expect(errorOf("searchDirectoryUsers:status=500:field=x")).toMatch(/wrongtyped faults only/)
  })

  it("explains what is wrong with a bad entry", () => {
    expect(errorOf("nope:status=500")).toMatch(/Invalid fault "nope:status=500": unknown operation "nope"/)
    expect(errorOf("getOrgs")).toMatch(/expected <operation>:<action>/)
    expect(errorOf("getOrgs:status=200")).toMatch(/400–599/)
    expect(errorOf("getOrgs:explode")).toMatch(/unknown action "explode"/)
    expect(errorOf("getOrgs:ratelimit=fast")).toMatch(/200\/min/)
    expect(errorOf("getOrgs:status=500:calls=4-2")).toMatch(/end at or after/)
    expect(errorOf("getOrgs:status=500:calls=0")).toMatch(/positive integers/)
    expect(errorOf("getOrgs:reset:retryAfter=1")).toMatch(/status faults only/)
    expect(errorOf("getOrgs:status=500:colour=red")).toMatch(/unknown option "colour"/)
    expect(errorOf("getOrgs:status=500,,getUsers:reset")).toMatch(/empty entry/)
    expect(errorOf("getOrgs:reset=1")).toMatch(/takes no value/)
    expect(errorOf("getOrgs:status=500:nth=1:from=2")).toMatch(/at most once/)
  })
})

describe("fault kinds", () => {
  it.scoped("a reset destroys the connection without a response", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 3, faults: [Fault.reset("getOrgs", { nth: 1 })] })
      const failed = yield* Effect.either(
        Effect.tryPromise(() =>
          fetch(`${sim.baseUrl}/admin/v1/orgs`, { headers: { Authorization: `Bearer ${sim.apiKey}` } })
        )
      )
      expect(Either.isLeft(failed)).toBe(true)
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
    })
  )

  it.scoped("latency delays only the matching operation, with deterministic jitter", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({
        users: 3,
        faults: [Fault.latency("getOrgById", 150, { jitterMillis: 20 })]
      })
      let started = Date.now()
      yield* call(sim, `/admin/v1/orgs/${sim.orgId}`)
      expect(Date.now() - started).toBeGreaterThanOrEqual(145)
      started = Date.now()
      yield* call(sim, "/admin/v1/orgs")
      expect(Date.now() - started).toBeLessThan(100)
    })
  )

  it.scoped("a 5xx burst hits exactly the given calls of one operation", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({
        users: 3,
        faults: [Fault.status("getUserStats", 503, { calls: { from: 2, to: 3 } })]
      })
      const path = `/admin/v2/orgs/${sim.orgId}/directories/-/users/stats`
      const statuses: Array<number> = []
      for (let i = 0; i < 4; i++) {
        statuses.push((yield* call(sim, path)).status)
        yield* call(sim, "/admin/v1/orgs")
      }
      expect(statuses).toEqual([200, 503, 503, 200])
    })
  )

  it.scoped("a rate-limit fault allows N per window per operation", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 3, faults: [Fault.rateLimit("queryWorkspacesV2", 2, 60)] })
      const path = `/admin/v2/orgs/${sim.orgId}/workspaces`
      const statuses: Array<number> = []
      for (let i = 0; i < 3; i++) statuses.push((yield* call(sim, path, { method: "POST", body: {} })).status)
      expect(statuses).toEqual([200, 200, 429])
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
    })
  )

  it.scoped("revoking the key mid-run answers 401 on admin operations but not on site endpoints", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 3, faults: [Fault.revokeKey({ nth: 2 })] })
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(401)
      expect(
        (yield* call(sim, `/admin/v2/orgs/${sim.orgId}/workspaces`, { method: "POST", body: {} })).json
      ).toEqual({
        code: 401,
        message: "Unauthorized"
      })
      expect((yield* call(sim, "/_edge/tenant_info", { apiKey: null })).status).toBe(200)
    })
  )
})

describe("runStandalone", () => {
  it("prints the Admin API base URL as ATLASSIAN_ADMIN_BASE_URL takes it, and the default key, never a given one", () => {
    const sim = {
      baseUrl: "http://127.0.0.1:4010",
      adminBaseUrl: "http://127.0.0.1:4010/admin",
      orgId: "org-1",
      apiKey: "secret"
    } as Simulator.RunningSimulator
    expect(Simulator.readyLine(sim, false)).toBe(
      "seatsync simulator listening on http://127.0.0.1:4010/admin (org org-1, key secret)"
    )
    expect(Simulator.readyLine(sim, true)).toBe(
      "seatsync simulator listening on http://127.0.0.1:4010/admin (org org-1, key (given))"
    )
  })

  it.live("serves until interrupted after printing one line", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const base = yield* Effect.console
      const fiber = yield* Effect.fork(
        Simulator.runStandalone({ users: 2, apiKey: "top-secret" }).pipe(
          Effect.withConsole({
            ...base,
            log: (...args: ReadonlyArray<unknown>) =>
              Effect.sync(() => {
                lines.push(args.join(" "))
              })
          })
        )
      )
      // However long start-up takes on a busy machine: the first line, then a moment for any second one.
      yield* Effect.sync(() => lines.length).pipe(
        Effect.repeat({ until: (n) => n > 0, schedule: Schedule.spaced("20 millis") }),
        Effect.timeout("30 seconds")
      )
      yield* Effect.sleep("200 millis")
      expect(lines).toHaveLength(1)
      expect(fiber.unsafePoll()).toBeNull()
      expect(lines[0]).toMatch(
        /^seatsync simulator listening on http:\/\/127\.0\.0\.1:\d+\/admin \(org [0-9a-f-]{36}, key \(given\)\)$/
      )
      expect(lines[0]).not.toContain("top-secret")
      yield* Fiber.interrupt(fiber)
    })
  )
})

describe("transport faults: stalled answer and redirect", () => {
  it("parses stall and redirect (its location percent-encoded, since ':' separates options)", () => {
    expect(
      parse("getOrgById:stall:nth=1,getOrgs:redirect=302:to=/admin/v1/orgs/o1/users/u1/suspend")
    ).toEqual(
      Either.right([
        Fault.stall("getOrgById", { nth: 1 }),
        Fault.redirect("getOrgs", "/admin/v1/orgs/o1/users/u1/suspend", { status: 302 })
      ])
    )
    expect(parse("*:redirect=307:to=http%3A//127.0.0.1%3A4011/steal:calls=2-")).toEqual(
      Either.right([Fault.redirect("*", "http://127.0.0.1:4011/steal", { status: 307, calls: { from: 2 } })])
    )
    expect(errorOf("getOrgs:redirect=302")).toMatch(/needs its location/)
    expect(errorOf("getOrgs:redirect=200:to=/x")).toMatch(/301, 302, 303, 307 or 308/)
    expect(errorOf("getOrgs:stall=5")).toMatch(/takes no value/)
    expect(errorOf("getOrgs:status=500:to=/x")).toMatch(/redirect faults only/)
  })

  it.scoped("a stalled answer never comes: the request is still waiting when the client gives up", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({ users: 3, faults: [Fault.stall("getOrgs", { nth: 1 })] })
      const stalled = yield* Effect.either(
        Effect.tryPromise(() =>
          fetch(`${sim.baseUrl}/admin/v1/orgs`, {
            headers: { Authorization: `Bearer ${sim.apiKey}` },
            signal: AbortSignal.timeout(300)
          })
        )
      )
      expect(Either.isLeft(stalled)).toBe(true)
      // Only the matching call stalls; the next one is answered.
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
      expect(yield* sim.requestCount).toBe(2)
    })
  )

  it.scoped("a redirect answers its status and Location instead of the resource", () =>
    Effect.gen(function* () {
      const sim = yield* Simulator.start({
        users: 3,
        faults: [
          Fault.redirect("getOrgs", "http://127.0.0.1:9/elsewhere", { status: 308, calls: { nth: 1 } })
        ]
      })
      const reply = yield* Effect.promise(() =>
        fetch(`${sim.baseUrl}/admin/v1/orgs`, {
          headers: { Authorization: `Bearer ${sim.apiKey}` },
          redirect: "manual"
        })
      )
      expect(reply.status).toBe(308)
      expect(reply.headers.get("location")).toBe("http://127.0.0.1:9/elsewhere")
      expect((yield* call(sim, "/admin/v1/orgs")).status).toBe(200)
    })
  )
})

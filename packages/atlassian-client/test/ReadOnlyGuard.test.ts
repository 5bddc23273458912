import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { ensureReadOperation } from "../src/index.js"

const base = new URL("https://api.atlassian.com/admin")
const org = "8f2c6a0e-1b3d-4c5e-9f70-112233445566"
const allowed = (method: string, url: string) =>
  Exit.isSuccess(Effect.runSyncExit(ensureReadOperation(base, method, url)))

describe("ensureReadOperation", () => {
  it("allows the documented read operations", () => {
    expect(allowed("GET", `${base}/v1/orgs`)).toBe(true)
    expect(allowed("GET", `${base}/v1/orgs/${org}`)).toBe(true)
    expect(allowed("GET", `${base}/v1/orgs/${org}?cursor=abc`)).toBe(true)
    expect(allowed("GET", `${base}/v2/orgs/${org}/directories`)).toBe(true)
    expect(allowed("POST", `${base}/v2/orgs/${org}/directories/-/users/search`)).toBe(true)
    expect(allowed("POST", `${base}/v2/orgs/${org}/directories/d1/groups/search`)).toBe(true)
    expect(allowed("POST", `${base}/v2/orgs/${org}/workspaces`)).toBe(true)
    expect(allowed("GET", `${base}/v1/orgs/${org}/directory/users/557058:abc/last-active-dates`)).toBe(true)
  })

  it("refuses every write, whatever its path", () => {
    expect(allowed("POST", `${base}/v2/orgs/${org}/directories/-/users/557058:abc/suspend`)).toBe(false)
    expect(allowed("POST", `${base}/v2/orgs/${org}/users/invite`)).toBe(false)
    expect(allowed("DELETE", `${base}/v2/orgs/${org}/directories/d1/users/557058:abc`)).toBe(false)
    expect(allowed("POST", `${base}/v2/orgs/${org}/directories/d1/groups`)).toBe(false)
    expect(allowed("PUT", `${base}/v1/orgs/${org}/policies/p1`)).toBe(false)
    expect(allowed("PATCH", `${base}/v1/orgs/${org}`)).toBe(false)
    expect(allowed("POST", `${base}/v1/orgs/${org}`)).toBe(false)
  })

  it("refuses the deprecated v2 user and group list endpoints", () => {
    expect(allowed("GET", `${base}/v2/orgs/${org}/directories/-/users`)).toBe(false)
    expect(allowed("GET", `${base}/v2/orgs/${org}/directories/-/groups`)).toBe(false)
  })

  it("refuses other hosts, credentials in the URL and paths outside the base", () => {
    expect(allowed("GET", `https://evil.example.com/admin/v1/orgs`)).toBe(false)
    expect(allowed("GET", `https://api.atlassian.com:8443/admin/v1/orgs`)).toBe(false)
    expect(allowed("GET", `https://user:pw@api.atlassian.com/admin/v1/orgs`)).toBe(false)
    expect(allowed("GET", `https://api.atlassian.com/ex/jira/1/rest/api/3/myself`)).toBe(false)
    expect(allowed("GET", `https://api.atlassian.com/admin/v1/orgs//x`)).toBe(false)
    expect(allowed("GET", "not a url")).toBe(false)
  })

  it("names the method and URL but drops the query string in its error", () => {
    const exit = Effect.runSyncExit(
      Effect.flip(ensureReadOperation(base, "DELETE", `${base}/v1/orgs/${org}?token=secret`))
    )
    expect(Exit.isSuccess(exit)).toBe(true)
    if (Exit.isSuccess(exit)) {
      expect(exit.value.method).toBe("DELETE")
      expect(exit.value.url).toBe(`${base}/v1/orgs/${org}`)
      expect(exit.value.message).toContain("seatsync only reads from Atlassian")
    }
  })
})

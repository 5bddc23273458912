/**
 * Issue 15's third promise: after demo syncs of an organisation that changed in between — it grew by six
 * people, then three of them left — `seatsync report changes` lists exactly the joiners, the leavers and the
 * billable roles granted and revoked that the simulator made, and nothing of the first sync (the baseline).
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Organisation } from "@seatsync/atlassian-simulator"
import { isBillableRole } from "@seatsync/normalise"
import { Ajv } from "ajv"
import { Effect, Exit, Scope } from "effect"
import { readCsv } from "../src/prices/CsvReader.js"
import { changes as changesReport } from "../src/report/reports/ChangesReport.js"
import { parseSince } from "../src/report/Since.js"
import { errorSentences, runCli, tempDataDir } from "./support.js"

interface ChangesJson {
  readonly since: string
  readonly people: ReadonlyArray<{ readonly accountId: string; readonly change: string }>
  readonly roles: ReadonlyArray<{
    readonly accountId: string
    readonly productId: string
    readonly roleId: string
    readonly change: string
    readonly grantedVia: ReadonlyArray<string>
    readonly groups: ReadonlyArray<string>
  }>
  readonly groups: ReadonlyArray<unknown>
  readonly seats: ReadonlyArray<{ readonly productId: string; readonly assignedTo: number }>
  readonly seatDays: ReadonlyArray<{ readonly productId: string; readonly day: string }>
}

describe("--since", () => {
  const at = new Date("2026-11-29T10:00:00Z")
  it("is a number of days back or a UTC day; anything else, or a future day, is refused", () => {
    expect(parseSince("7d", at)).toEqual({ since: new Date("2026-11-22T10:00:00Z") })
    expect(parseSince("2026-11-01", at)).toEqual({ since: new Date("2026-11-01T00:00:00Z") })
    expect(parseSince("2026-02-30", at)).toHaveProperty("error")
    expect(parseSince("2026-12-01", at)).toEqual({
      error: "2026-12-01 is in the future; give a day up to today"
    })
    expect(parseSince("week", at)).toHaveProperty("error")
  })
})

describe("seatsync report changes", () => {
  const scope = Effect.runSync(Scope.make())
  let env: Record<string, string> = {}
  const ok = async (...args: ReadonlyArray<string>) => {
    const result = await Effect.runPromise(runCli(args, env))
    expect(result.stderr).not.toContain("seatsync:")
    expect(result.code).toBe(0)
    return result.stdout
  }

  beforeAll(async () => {
    const dataDir = await Effect.runPromise(Scope.extend(tempDataDir, scope))
    env = { SEATSYNC_DATA_DIR: dataDir }
    // The baseline, then six people join, then three of them leave.
    for (const users of ["80", "86", "83"]) await ok("sync", "--demo", "--users", users)
  }, 400_000)
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("lists exactly the joiners, leavers and billable roles granted and revoked the simulator made", async () => {
    const json = JSON.parse(await ok("report", "changes", "--demo", "--format", "json")) as ChangesJson
    const ajv = new Ajv({ allErrors: true, strict: true })
    const validate = ajv.compile(changesReport.jsonSchema())
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true)

    // The simulator's own organisation: users are derived by index, so 80–85 joined and 83–85 left.
    const organisation = Organisation.make({ users: 86 })
    const accounts = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, offset) => organisation.user(from + offset))
    const joiners = accounts(80, 86)
    const leavers = accounts(83, 86)
    const ids = (people: ReadonlyArray<{ readonly accountId: string }>) =>
      people.map((person) => person.accountId).sort()
    expect(ids(json.people.filter((person) => person.change === "joined"))).toEqual(ids(joiners))
    expect(ids(json.people.filter((person) => person.change === "left"))).toEqual(ids(leavers))
    expect(json.people.filter((person) => !["joined", "left"].includes(person.change))).toEqual([])

    // Billable roles: every billable role a joiner holds was granted, every one a leaver held was revoked.
    const billableRoles = (users: ReadonlyArray<ReturnType<typeof organisation.user>>) =>
      users
        .flatMap((user) =>
          user.roles
            .filter((role) => isBillableRole(role.role))
            .map((role) => `${user.accountId} ${role.role}`)
        )
        .sort()
    const reported = (change: string) =>
      json.roles
        .filter((role) => role.change === change)
        .map((role) => `${role.accountId} ${role.roleId}`)
        .sort()
    expect(reported("granted")).toEqual(billableRoles(joiners))
    expect(reported("revoked")).toEqual(billableRoles(leavers))
    expect(reported("granted").length).toBeGreaterThan(0)
    expect(reported("revoked").length).toBeGreaterThan(0)
    // Each says how: group-granted roles name the groups the person joined in that run.
    for (const role of json.roles) {
      expect(role.grantedVia.length).toBeGreaterThan(0)
      if (role.grantedVia.includes("group")) expect(role.groups.length).toBeGreaterThan(0)
      else expect(role.groups).toEqual([])
    }
    // Seats per product, with the ledger's days for the chart.
    expect(json.seats.length).toBeGreaterThan(3)
    expect(json.seatDays.length).toBeGreaterThanOrEqual(json.seats.length)

    // The table, the CSV and the HTML section carry the same changes.
    const table = await ok("report", "changes", "--demo")
    expect(table).toContain(`joined ${joiners.length} · left ${leavers.length} · came back 0`)
    const csv = readCsv(await ok("report", "changes", "demo", "--since", "1d", "--format", "csv"))
    if ("error" in csv) throw new Error(csv.error)
    const [header, ...rows] = csv.records.map((record) => record.fields)
    expect(header?.slice(0, 3)).toEqual(["change", "connection", "account_id"])
    expect(
      rows
        .filter((row) => row[0] === "joined")
        .map((row) => row[2])
        .sort()
    ).toEqual(ids(joiners))
    expect(rows.filter((row) => row[0] === "role_revoked")).toHaveLength(reported("revoked").length)
    const html = await ok("report", "changes", "--demo", "--format", "html")
    expect(html).toContain("<h2>Changes")
    expect(html).toContain("demo: seats by day, all products")
  }, 300_000)

  it("--since today still holds today's syncs; a future day or a bad value is a usage error", async () => {
    const today = new Date().toISOString().slice(0, 10)
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    const json = JSON.parse(
      await ok("report", "changes", "--demo", "--since", today, "--format", "json")
    ) as ChangesJson
    expect(json.people.length).toBeGreaterThan(0)
    const future = await Effect.runPromise(runCli(["report", "changes", "--demo", "--since", tomorrow], env))
    expect(future.code).toBe(2)
    expect(errorSentences(future.stderr)[0]).toContain(`${tomorrow} is in the future`)
    const bad = await Effect.runPromise(runCli(["report", "changes", "--demo", "--since", "last week"], env))
    expect(bad.code).toBe(2)
    expect(errorSentences(bad.stderr)[0]).toContain('"last week" is neither a number of days')
  }, 200_000)
})

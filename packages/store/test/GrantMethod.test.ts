import { SqlClient } from "@effect/sql"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Database from "../src/Database.js"
import * as GrantMethod from "../src/GrantMethod.js"
import type { RunId } from "../src/Ids.js"
import * as Staging from "../src/Staging.js"
import * as SyncRuns from "../src/SyncRuns.js"
import { makeConnection } from "./fixtures.js"
import { makeMembership, makeProduct, makeRole } from "./orgFixtures.js"

const jira = makeProduct("jira-software", 100)
const confluence = makeProduct("confluence", 100)

/** Every staged role of the run as `account product-key role → method`. */
const stagedMethods = (runId: RunId) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{
        readonly accountId: string
        readonly productId: string
        readonly roleId: string
        readonly via: string
      }>`
        SELECT account_id AS "accountId", product_id AS "productId", role_id AS "roleId",
               array_to_string(granted_via, ',') AS via
        FROM seatsync.product_role_stage WHERE run_id = ${runId}`,
      (rows) =>
        Object.fromEntries(
          rows.map((row) => [
            `${row.accountId} ${row.productId === jira.productId ? "jira" : "confluence"} ${row.roleId}`,
            row.via
          ])
        )
    )
  )

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("GrantMethod.markGroupGranted", (it) => {
  it.effect(
    "marks a staged role group-granted exactly when one of the holder's staged groups grants that role on that product",
    () =>
      Effect.gen(function* () {
        const connection = yield* makeConnection()
        const runId = yield* SyncRuns.start(connection.id, "cli")
        yield* Staging.stage("group_membership", runId, connection.id, [
          makeMembership("alice", "jira-users"),
          makeMembership("alice", "team-a"),
          makeMembership("bob", "team-a"),
          makeMembership("carol", "jira-admins")
        ])
        yield* Staging.stage("product_role", runId, connection.id, [
          // granted by jira-users (alice is a member)
          makeRole("alice", jira, "atlassian/user"),
          // nobody grants confluence users: direct
          makeRole("alice", confluence, "atlassian/user"),
          // team-a grants the role on confluence, not on jira: direct
          makeRole("bob", jira, "atlassian/user"),
          // jira-admins grants admin, carol holds user: direct
          makeRole("carol", jira, "atlassian/user"),
          makeRole("carol", jira, "atlassian/admin"),
          // dave is in no group
          makeRole("dave", jira, "atlassian/user")
        ])
        // Another run's membership of the same account must not count.
        const otherRun = yield* SyncRuns.start((yield* makeConnection("other")).id, "cli")
        yield* Staging.stage("group_membership", otherRun, connection.id, [
          makeMembership("dave", "jira-users")
        ])

        const marked = yield* GrantMethod.markGroupGranted(runId, [
          { productId: jira.productId, roleId: "atlassian/user", groupId: "jira-users" },
          { productId: confluence.productId, roleId: "atlassian/admin", groupId: "team-a" },
          { productId: jira.productId, roleId: "atlassian/admin", groupId: "jira-admins" }
        ])

        expect(marked).toBe(2)
        expect(yield* stagedMethods(runId)).toEqual({
          "alice jira atlassian/user": "group",
          "alice confluence atlassian/user": "direct",
          "bob jira atlassian/user": "direct",
          "carol jira atlassian/user": "direct",
          "carol jira atlassian/admin": "group",
          "dave jira atlassian/user": "direct"
        })
        // Deciding again changes nothing (an unchanged second sync rewrites no row).
        expect(
          yield* GrantMethod.markGroupGranted(runId, [
            { productId: jira.productId, roleId: "atlassian/user", groupId: "jira-users" }
          ])
        ).toBe(0)
      })
  )

  it.effect("with no grants marks nothing and leaves every role direct", () =>
    Effect.gen(function* () {
      const connection = yield* makeConnection()
      const runId = yield* SyncRuns.start(connection.id, "cli")
      yield* Staging.stage("group_membership", runId, connection.id, [makeMembership("erin", "g")])
      yield* Staging.stage("product_role", runId, connection.id, [makeRole("erin", jira)])
      expect(yield* GrantMethod.markGroupGranted(runId, [])).toBe(0)
      expect(yield* stagedMethods(runId)).toEqual({ "erin jira atlassian/user": "direct" })
    })
  )
})

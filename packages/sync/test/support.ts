/** What the sync tests share: a simulator with a connection, a client for it, a fingerprint of the live tables. */
import { FetchHttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { AtlassianClient, unpaced } from "@seatsync/atlassian-client"
import { Simulator } from "@seatsync/atlassian-simulator"
import { Connections, Entities } from "@seatsync/store"
import { Effect, Layer, Redacted } from "effect"

let connectionCounter = 0

/** A simulator and a connection named after it; same seed ⇒ same org and same users. */
export const setup = (options: Simulator.SimulatorOptions) =>
  Effect.gen(function* () {
    const simulator = yield* Simulator.start({ seed: 7, ...options })
    connectionCounter += 1
    const connection = yield* Connections.upsert({
      name: `integrity-${connectionCounter}`,
      orgId: simulator.orgId
    })
    return { simulator, connection }
  })

export const clientFor = (simulator: Simulator.RunningSimulator) =>
  AtlassianClient.layer({
    apiKey: Redacted.make(simulator.apiKey),
    adminBaseUrl: simulator.adminBaseUrl,
    pacing: unpaced
  }).pipe(Layer.provide(FetchHttpClient.layer))

/** A fingerprint of every live table's rows of a connection: equal means byte-identical content. */
export const liveSnapshot = (connectionId: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const fingerprints: Record<string, string> = {}
    for (const table of Entities.entities) {
      const rows = yield* sql<{ readonly digest: string | null; readonly n: number }>`
        SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest, count(*)::int AS n
        FROM ${sql(`seatsync.${table}`)} AS t WHERE connection_id = ${connectionId}`
      fingerprints[table] = `${rows[0]?.n}:${rows[0]?.digest}`
    }
    return fingerprints
  })

/** Live rows per table of a connection (not soft-deleted). */
export const liveCounts = (connectionId: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const counts: Record<string, number> = {}
    for (const table of Entities.entities) {
      const rows = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM ${sql(`seatsync.${table}`)}
        WHERE connection_id = ${connectionId} AND deleted_at IS NULL`
      counts[table] = rows[0]?.n ?? 0
    }
    return counts
  })

/** Live rows of the user-dependent tables whose account has no live `org_user` row. */
export const orphanRows = (connectionId: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const orphans: Record<string, number> = {}
    for (const table of ["group_membership", "product_role", "product_activity"]) {
      const rows = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM ${sql(`seatsync.${table}`)} AS d
        WHERE d.connection_id = ${connectionId} AND d.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM seatsync.org_user AS u
                          WHERE u.connection_id = d.connection_id AND u.account_id = d.account_id
                            AND u.deleted_at IS NULL)`
      orphans[table] = rows[0]?.n ?? 0
    }
    return orphans
  })

/** Resumable cursors per (connection, task), e.g. how far the last-active backfill got. */
import { SqlClient, type SqlError } from "@effect/sql"
import { Effect, Option } from "effect"
import type { ConnectionId, RunId } from "./Ids.js"

/** Saves (replaces) the task's cursor; `null` records "nothing left to resume". */
export const save = (
  connectionId: ConnectionId,
  task: string,
  cursor: string | null,
  runId?: RunId
): Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.asVoid(sql`
      INSERT INTO seatsync.sync_checkpoint (connection_id, task, cursor, run_id)
      VALUES (${connectionId}, ${task}, ${cursor}, ${runId ?? null})
      ON CONFLICT (connection_id, task) DO UPDATE SET
        cursor = excluded.cursor, run_id = excluded.run_id, updated_at = now()`)
  )

/** The task's saved cursor; none when never saved or saved as null. */
export const load = (
  connectionId: ConnectionId,
  task: string
): Effect.Effect<Option.Option<string>, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly cursor: string | null }>`
        SELECT cursor FROM seatsync.sync_checkpoint WHERE connection_id = ${connectionId} AND task = ${task}`,
      (rows) => Option.fromNullable(rows[0]?.cursor)
    )
  )

/** Forgets the task's cursor. */
export const clear = (
  connectionId: ConnectionId,
  task: string
): Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.asVoid(
      sql`DELETE FROM seatsync.sync_checkpoint WHERE connection_id = ${connectionId} AND task = ${task}`
    )
  )

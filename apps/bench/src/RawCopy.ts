/**
 * The throughput limit: a raw `COPY … FROM STDIN` of exactly the rows a sync wrote, into tables of the same
 * shape and indexes (`LIKE … INCLUDING ALL`) in a scratch schema. Rows go through a temporary file so the
 * measurement is PostgreSQL's ingest, not JavaScript's.
 */
import { createReadStream, createWriteStream } from "node:fs"
import { mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { pipeline } from "node:stream/promises"
import pg from "pg"
import { from as copyFrom, to as copyTo } from "pg-copy-streams"

export interface CopyResult {
  readonly table: string
  readonly rows: number
  readonly bytes: number
  readonly millis: number
}

export const rawCopy = async (
  url: string,
  connectionId: number,
  tables: ReadonlyArray<string>
): Promise<ReadonlyArray<CopyResult>> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const dir = await mkdtemp(path.join(tmpdir(), "seatsync-bench-"))
  try {
    await client.query("DROP SCHEMA IF EXISTS bench_copy CASCADE; CREATE SCHEMA bench_copy")
    const results: Array<CopyResult> = []
    for (const table of tables) {
      const file = path.join(dir, `${table}.copy`)
      await pipeline(
        client.query(
          copyTo(`COPY (SELECT * FROM seatsync.${table} WHERE connection_id = ${connectionId}) TO STDOUT`)
        ),
        createWriteStream(file)
      )
      await client.query(`CREATE TABLE bench_copy.${table} (LIKE seatsync.${table} INCLUDING ALL)`)
      const started = performance.now()
      await pipeline(createReadStream(file), client.query(copyFrom(`COPY bench_copy.${table} FROM STDIN`)))
      const millis = performance.now() - started
      const count = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bench_copy.${table}`)
      results.push({ table, rows: count.rows[0]?.n ?? 0, bytes: (await stat(file)).size, millis })
    }
    await client.query("DROP SCHEMA bench_copy CASCADE")
    return results
  } finally {
    await client.end()
    await rm(dir, { recursive: true, force: true })
  }
}

/** Sum of `n_tup_upd` over seatsync's tables: how many live rows were rewritten. */
export const updatedTuples = async (url: string, tables: ReadonlyArray<string>): Promise<number> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const result = await client.query<{ n: string | null }>(
      "SELECT sum(n_tup_upd)::text AS n FROM pg_stat_user_tables WHERE schemaname = 'seatsync' AND relname = ANY($1)",
      [tables]
    )
    return Number(result.rows[0]?.n ?? 0)
  } finally {
    await client.end()
  }
}

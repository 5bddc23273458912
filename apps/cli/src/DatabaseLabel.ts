/** Says which database a command is using, for summaries: never the password. */
import { Database, EmbeddedPostgres } from "@seatsync/store"
import { Effect, Option, Redacted } from "effect"

export const databaseLabel = Effect.gen(function* () {
  const url = yield* Database.databaseUrl
  if (Option.isSome(url)) {
    try {
      const parsed = new URL(Redacted.value(url.value))
      return `PostgreSQL at ${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`
    } catch {
      return "PostgreSQL from DATABASE_URL"
    }
  }
  return `embedded PostgreSQL in ${yield* EmbeddedPostgres.defaultDataDir}`
})

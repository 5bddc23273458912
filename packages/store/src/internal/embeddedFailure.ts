/**
 * How embedded-cluster failures are reported: a `DatabaseUnavailable` whose target is the data directory.
 */
import { DatabaseUnavailable } from "../Errors.js"

export const embeddedFailure = (dataDir: string, reason: string, remedy: string): DatabaseUnavailable =>
  new DatabaseUnavailable({ target: `embedded PostgreSQL in ${dataDir}`, reason, remedy })

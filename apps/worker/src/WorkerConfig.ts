/**
 * The worker's configuration, all from the environment: which organisation, the key, how often. The
 * per-connection schedules of a later version replace `SEATSYNC_SYNC_EVERY`.
 */
import { AtlassianClientConfig } from "@seatsync/atlassian-client"
import { Config, Duration, type Redacted } from "effect"

export interface WorkerConfig {
  readonly connectionName: string
  readonly orgId: string
  readonly apiKey: Redacted.Redacted<string>
  readonly adminBaseUrl: string
  /** Time between the end of one sync and the start of the next. */
  readonly every: Duration.Duration
}

export const WorkerConfig: Config.Config<WorkerConfig> = Config.all({
  orgId: Config.string("SEATSYNC_ORG_ID"),
  connectionName: Config.string("SEATSYNC_CONNECTION_NAME").pipe(Config.withDefault("")),
  apiKey: Config.redacted("ATLASSIAN_API_KEY"),
  adminBaseUrl: Config.string("ATLASSIAN_ADMIN_BASE_URL").pipe(
    Config.withDefault(AtlassianClientConfig.defaultAdminBaseUrl)
  ),
  every: Config.duration("SEATSYNC_SYNC_EVERY").pipe(Config.withDefault(Duration.hours(24)))
}).pipe(Config.map((config) => ({ ...config, connectionName: config.connectionName || config.orgId })))

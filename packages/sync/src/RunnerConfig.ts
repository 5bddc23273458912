/**
 * What every connection a process runs shares, read from the environment in this one place: the Admin API's
 * base URL and pacing (the client's `AtlassianClientConfig.endpointFromEnv`) and the test-only switch that
 * lets a connection's site be a local simulator.
 */
import { AtlassianClientConfig } from "@seatsync/atlassian-client"
import { Config } from "effect"

export interface RunnerConfig extends AtlassianClientConfig.EndpointSettings {
  /**
   * TEST ONLY (`SEATSYNC_UNSAFE_ANY_SITE_HOST=true`): a connection's site may be any host (the simulator)
   * instead of exactly `https://<name>.atlassian.net`. Never set it in production.
   */
  readonly unsafeAnySiteHost: boolean
}

/** `ATLASSIAN_ADMIN_BASE_URL`, the pacing variables and `SEATSYNC_UNSAFE_ANY_SITE_HOST`. */
export const fromEnv: Config.Config<RunnerConfig> = Config.all({
  endpoint: AtlassianClientConfig.endpointFromEnv,
  unsafeAnySiteHost: Config.boolean("SEATSYNC_UNSAFE_ANY_SITE_HOST").pipe(Config.withDefault(false))
}).pipe(Config.map(({ endpoint, unsafeAnySiteHost }) => ({ ...endpoint, unsafeAnySiteHost })))

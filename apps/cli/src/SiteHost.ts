/**
 * Which site hosts the CLI accepts. Real sites are exactly `https://<name>.atlassian.net`;
 * `SEATSYNC_UNSAFE_ANY_SITE_HOST=true` (tests only) lets a connection's site be the local simulator.
 */
import { Config } from "effect"

/** TEST ONLY: lets a connection's site be the local simulator instead of https://<name>.atlassian.net. */
export const unsafeAnySiteHost: Config.Config<boolean> = Config.boolean("SEATSYNC_UNSAFE_ANY_SITE_HOST").pipe(
  Config.withDefault(false)
)

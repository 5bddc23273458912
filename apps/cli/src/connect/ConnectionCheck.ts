/**
 * Everything `seatsync connect` checks against Atlassian before it saves: the key opens the organisation,
 * the site resolves to a cloudId, and the Jira site credentials (new ones, or stored ones when the site
 * changed) read the site's Jira seats. Through the connection runner's clients, so the base URL and the
 * site-host rule are the ones every run uses.
 */
import {
  AtlassianClient,
  type AtlassianError,
  type InvalidConfig,
  SiteClient
} from "@seatsync/atlassian-client"
import { type ApiKeyCipher, ConnectionSecrets } from "@seatsync/store"
import { ConnectionRunner } from "@seatsync/sync"
import { Effect, Option, type Redacted } from "effect"
import { type JiraCredentialsRejected, verifyJiraCredentials } from "../JiraSite.js"
import type { UsageError } from "../UsageError.js"
import { type ConnectRequest, jiraNeedsSite, recheckStoredJira } from "./ConnectRequest.js"

/** What the checks found, for the confirmation. */
export interface ConnectionChecked {
  readonly organisationName: string | undefined
  readonly cloudId: string | undefined
  /** Jira products on the site, when Jira credentials were checked. */
  readonly jiraProducts: number | undefined
}

/** How a check can fail: each error says what Atlassian or the site answered. */
export type CheckError =
  | AtlassianError
  | InvalidConfig
  | SiteClient.SiteError
  | JiraCredentialsRejected
  | ApiKeyCipher.EncryptionKeyMissing
  | ApiKeyCipher.EncryptionKeyInvalid
  | ConnectionSecrets.JiraTokenUndecryptable
  | UsageError

export const checkConnection = (
  request: ConnectRequest,
  apiKey: Redacted.Redacted<string>,
  newJira: SiteClient.SiteCredentials | undefined,
  forgetJira: boolean
): Effect.Effect<ConnectionChecked, CheckError, ConnectionRunner.ConnectionRunner> =>
  Effect.gen(function* () {
    const runner = yield* ConnectionRunner.ConnectionRunner
    const organisation = yield* Effect.flatMap(AtlassianClient.AtlassianClient, (client) =>
      client.org(request.orgId)
    ).pipe(Effect.provide(runner.client(apiKey)))
    const siteUrl = request.siteUrl
    const cloudId =
      siteUrl === undefined
        ? undefined
        : yield* Effect.flatMap(SiteClient.SiteClient, (site) => site.cloudId(siteUrl)).pipe(
            Effect.provide(runner.siteClient)
          )
    const jira =
      newJira !== undefined
        ? Option.some(newJira)
        : request.current !== undefined && recheckStoredJira(request, forgetJira)
          ? yield* ConnectionSecrets.jiraCredentials(request.current)
          : Option.none()
    let jiraProducts: number | undefined
    if (Option.isSome(jira)) {
      if (siteUrl === undefined) return yield* jiraNeedsSite
      const roles = yield* verifyJiraCredentials(siteUrl, jira.value).pipe(Effect.provide(runner.siteClient))
      jiraProducts = roles.length
    }
    return {
      organisationName: organisation.attributes.name ?? undefined,
      cloudId,
      jiraProducts
    } satisfies ConnectionChecked
  })

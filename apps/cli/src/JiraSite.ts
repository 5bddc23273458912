/**
 * Checking a connection's Jira site credentials (an administrator's email and API token, HTTP basic auth on
 * `<site>/rest/api/3/applicationrole`): used by `connect` before saving them and by `doctor`.
 */
import { type JiraApplicationRole, SiteClient } from "@seatsync/atlassian-client"
import { Data, Effect } from "effect"

/** The site refused the Jira credentials: 401 (wrong email or token) or 403 (not a Jira administrator). */
export class JiraCredentialsRejected extends Data.TaggedError("JiraCredentialsRejected")<{
  readonly site: string
  readonly email: string
  readonly status: 401 | 403
}> {
  override get message() {
    return this.status === 401
      ? `The Jira site ${this.site} rejected the email ${this.email} and its API token (401)`
      : `The Jira site ${this.site} refused ${this.email} (403): the account must have the "Administer Jira" permission`
  }
}

/** The site's Jira application roles read with `credentials`; 401/403 become `JiraCredentialsRejected`. */
export const verifyJiraCredentials = (
  siteUrl: string,
  credentials: SiteClient.SiteCredentials
): Effect.Effect<
  ReadonlyArray<JiraApplicationRole>,
  JiraCredentialsRejected | SiteClient.SiteError,
  SiteClient.SiteClient
> =>
  Effect.flatMap(SiteClient.SiteClient, (site) => site.jiraApplicationRoles(siteUrl, credentials)).pipe(
    Effect.catchTags({
      InvalidApiKey: () =>
        Effect.fail(new JiraCredentialsRejected({ site: siteUrl, email: credentials.email, status: 401 })),
      Forbidden: () =>
        Effect.fail(new JiraCredentialsRejected({ site: siteUrl, email: credentials.email, status: 403 }))
    })
  )

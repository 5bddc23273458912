/** The confirmation `seatsync connect` prints once a connection is saved. Pure. */
import type { Connections } from "@seatsync/store"
import type { ConnectionChecked } from "./ConnectionCheck.js"

export interface ConnectOutcome {
  readonly updated: boolean
  readonly saved: Connections.Connection
  readonly previous: Connections.Connection | undefined
  readonly checked: ConnectionChecked
  readonly newKey: boolean
  readonly forgetJira: boolean
}

export const renderConnected = (outcome: ConnectOutcome): string => {
  const { saved, previous, checked } = outcome
  const resumed = previous?.pausedAt !== null && previous?.pausedAt !== undefined && saved.pausedAt === null
  const jiraLines =
    saved.jiraEmail === null
      ? outcome.forgetJira
        ? [
            `  Jira      ${previous?.jiraEmail === null || previous?.jiraEmail === undefined ? "no credentials were stored" : `credentials of ${previous.jiraEmail} removed`}`
          ]
        : []
      : [
          `  Jira      ${saved.jiraEmail}${checked.jiraProducts === undefined ? " (stored, unchanged)" : ` verified (${checked.jiraProducts} Jira product${checked.jiraProducts === 1 ? "" : "s"} on the site)`}, token stored encrypted`
        ]
  return [
    `✓ ${outcome.updated ? "updated" : "connected"} ${saved.name}: ${checked.organisationName ?? "(unnamed)"} (org ${saved.orgId})`,
    `  site      ${saved.siteUrl ?? "(none)"}${checked.cloudId === undefined ? "" : ` → cloudId ${checked.cloudId}`}`,
    `  guard     ${saved.guard}`,
    `  schedule  ${saved.schedule} (${saved.timeZone}), inactive after ${saved.inactiveAfterDays} days`,
    `  API key   verified${outcome.newKey ? " and stored encrypted" : " (the stored one)"}`,
    saved.apiKeyExpiresOn === null
      ? "  expires   not recorded: add --update --key-expires YYYY-MM-DD (Atlassian shows the date when the key is created) so that doctor and the worker warn before it expires"
      : `  expires   ${saved.apiKeyExpiresOn} (doctor warns 30 days ahead)`,
    ...jiraLines,
    ...(resumed
      ? [`  resumed   the change cleared the pause (${previous?.pausedReason ?? "no reason"})`]
      : [])
  ].join("\n")
}

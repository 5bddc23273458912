/**
 * Judges what doctor observed about one connection: one `Check` per question an operator asks at 2 a.m.,
 * each failure with its fix. Pure: every input is a value (`Observations`).
 */
import type { ManagedAccount, Workspace } from "@seatsync/atlassian-client"
import { KeyExpiry } from "@seatsync/store"
import { Either, Option } from "effect"
import { transportAdvice } from "../ErrorReport.js"
import { type Check, fail, pass, type Section, skip, warn } from "./Check.js"
import { estimateCheck } from "./EstimateCheck.js"
import type { ApiProbes, Observations, Probe, ProbeError, Subject } from "./Observations.js"
import { reconciliationCheck } from "./ReconciliationCheck.js"

/** The rights (scopes) Atlassian documents per endpoint; "none" = no scope exists: an unscoped key is needed. */
export const endpointRights = {
  org: { label: "org", right: "read:orgs:admin" },
  directories: { label: "directories (v2)", right: "read:directories:admin" },
  users: { label: "users search", right: "none" },
  groups: { label: "groups search", right: "none" },
  groupRoles: { label: "group role assignments", right: "read:groups:admin" },
  workspaces: { label: "workspaces", right: "read:workspaces:admin" },
  lastActive: { label: "last-active-dates", right: "none" }
} as const

type Endpoint = keyof typeof endpointRights

const connectUpdate = (subject: Subject, flags: string) =>
  subject.demo
    ? "the demo's simulator is built in: run `seatsync doctor --demo` again, or report this as a bug"
    : `seatsync connect ${subject.name} --update ${flags}`

const newKeyFix = (subject: Subject) =>
  `Create a new key under Atlassian Administration → Settings → API keys (as an organisation admin, without scopes), then run \`${connectUpdate(subject, "--api-key-stdin")}\``

const unreachableFix =
  "Atlassian could not be asked (network, outage or rate limit): check access to the Admin API and run `seatsync doctor` again"

const isTransient = (error: ProbeError) =>
  error._tag === "AtlassianUnavailable" || error._tag === "RateLimited"

/** The fix when Atlassian could not be asked: where nothing answered, the address is the likely fault. */
const transientFix = (error: ProbeError) =>
  transportAdvice(error, "run `seatsync doctor` again") ?? unreachableFix

/** The API key could be had: decrypted, or from the environment. */
const keyCheck = (observations: Observations): Check => {
  const { subject } = observations
  return Either.match(observations.key, {
    onRight: (source) =>
      pass(
        "API key",
        source.kind === "stored"
          ? "stored encrypted; decrypts with SEATSYNC_ENCRYPTION_KEY"
          : source.kind === "environment"
            ? `from the environment variable ${source.variable}`
            : "the built-in simulator's key"
      ),
    onLeft: (error) =>
      fail(
        "API key",
        error.message,
        error._tag === "InvalidConfig"
          ? `Set the variable it names, or store the key with \`${connectUpdate(subject, "--api-key-stdin")}\``
          : `Set SEATSYNC_ENCRYPTION_KEY to the key the API key was stored with, or store the API key again with \`${connectUpdate(subject, "--api-key-stdin")}\``
      )
  })
}

/**
 * The key's recorded expiry (Atlassian never says): a warning from 30 days ahead, a failure from the day
 * itself, a warning asking for the date when none was recorded.
 */
const keyExpiryCheck = (subject: Subject, expiry: KeyExpiry.KeyExpiryState): Check => {
  const plural = (days: number) => `${days} day${days === 1 ? "" : "s"}`
  if (subject.demo) return pass("key expiry", "the built-in simulator's key does not expire")
  switch (expiry._tag) {
    case "NotRecorded":
      return warn(
        "key expiry",
        "not recorded: Atlassian's API never tells, so nothing can warn before the key expires",
        `Record the date Atlassian showed when the key was created: \`${connectUpdate(subject, "--key-expires YYYY-MM-DD")}\``
      )
    case "Valid":
      return pass("key expiry", `${expiry.expiresOn}, in ${plural(expiry.daysLeft)}`)
    case "ExpiringSoon":
      return warn(
        "key expiry",
        `${expiry.expiresOn}, in ${plural(expiry.daysLeft)}: the syncs stop working that day`,
        `Before then, ${KeyExpiry.replaceKey(subject.name)}`
      )
    case "Expired":
      return fail(
        "key expiry",
        `expired on ${expiry.expiresOn}${expiry.daysLeft < 0 ? ` (${plural(-expiry.daysLeft)} ago)` : " (today)"}`,
        `Replace it: ${KeyExpiry.replaceKey(subject.name)}`
      )
  }
}

/** Whether the org read proved the key is accepted (401 and unanswered reads do not). */
const keyValidCheck = (observations: Observations): Check => {
  const org = observations.org
  if (org === undefined) return skip("key valid", "not checked: no API key to check")
  if (Either.isRight(org)) return pass("key valid", "accepted by Atlassian")
  const error = org.left
  if (error._tag === "InvalidApiKey" || error._tag === "InvalidConfig")
    return fail("key valid", error.message, newKeyFix(observations.subject))
  if (error._tag === "OrgNotFound" || error._tag === "Forbidden")
    return pass("key valid", "accepted by Atlassian (it authenticated)")
  return fail("key valid", `could not be checked: ${error.message}`, transientFix(error))
}

const orgCheck = (observations: Observations): Check => {
  const { org, subject } = observations
  if (org === undefined) return skip("org reachable", "not checked: no API key")
  if (Either.isRight(org))
    return pass("org reachable", `${org.right.attributes.name ?? "(unnamed)"} (org ${subject.orgId})`)
  const error = org.left
  if (error._tag === "OrgNotFound")
    return fail(
      "org reachable",
      `${error.message}: a wrong organisation id, or a key of another organisation`,
      `Check the id (the UUID after /o/ in https://admin.atlassian.com/o/<orgId>/…) and run \`${connectUpdate(subject, "--org-id <orgId>")}\``
    )
  if (error._tag === "Forbidden")
    return fail(
      "org reachable",
      `refused (403): the key lacks ${endpointRights.org.right}`,
      newKeyFix(subject)
    )
  return skip("org reachable", "not checked: the key could not be checked")
}

const probesOf = (
  api: ApiProbes,
  org: Probe<unknown>
): ReadonlyArray<readonly [Endpoint, Probe<unknown> | undefined]> => [
  ["org", org],
  ["directories", api.directories],
  ["users", api.users],
  ["groups", api.groups],
  ["groupRoles", api.groupRoles],
  ["workspaces", api.workspaces],
  ["lastActive", api.lastActive]
]

/** Key kind: does the key reach every endpoint the sync reads? A 403 on some means a scoped key lacking rights. */
const rightsCheck = (observations: Observations, api: ApiProbes, org: Probe<unknown>): Check => {
  const probes = probesOf(api, org)
  const refused = probes.filter(
    ([, probe]) => probe !== undefined && Either.isLeft(probe) && probe.left._tag === "Forbidden"
  )
  const broken = probes.flatMap(([endpoint, probe]) =>
    probe !== undefined && Either.isLeft(probe) && probe.left._tag !== "Forbidden"
      ? [`${endpointRights[endpoint].label}: ${probe.left.message}`]
      : []
  )
  const unprobed = probes
    .filter(([, probe]) => probe === undefined)
    .map(([endpoint]) => endpointRights[endpoint].label)
  if (refused.length > 0) {
    const rights = [...new Set(refused.map(([endpoint]) => endpointRights[endpoint].right))]
    const scoped = rights.filter((right) => right !== "none")
    return fail(
      "key rights",
      `403 on ${refused.map(([endpoint]) => endpointRights[endpoint].label).join(", ")}: a scoped key lacking ${[
        ...scoped,
        ...(rights.includes("none") ? ["the rights only an unscoped key has"] : [])
      ].join(", ")}`,
      `Create an API key without scopes (Atlassian Administration → Settings → API keys; users search, groups search and last-active-dates have no scope), then run \`${connectUpdate(observations.subject, "--api-key-stdin")}\``
    )
  }
  if (broken.length > 0)
    return fail("key rights", `could not be checked: ${broken.join("; ")}`, unreachableFix)
  return pass(
    "key rights",
    `reaches everything the sync reads (${probes
      .filter(([, probe]) => probe !== undefined)
      .map(([endpoint]) => endpointRights[endpoint].label)
      .join(
        ", "
      )})${unprobed.length > 0 ? `; not probed: ${unprobed.join(", ")} (nothing to ask about)` : ""}`
  )
}

const directoryCheck = (observations: Observations, api: ApiProbes): Check =>
  Either.match(api.directories, {
    onRight: (directories) =>
      pass(
        "v2 directory API",
        `available: ${directories.length} director${directories.length === 1 ? "y" : "ies"} (${directories
          .map((directory) => directory.name ?? directory.directoryId ?? "?")
          .join(", ")})`
      ),
    onLeft: (error) =>
      error._tag === "Forbidden"
        ? fail(
            "v2 directory API",
            `refused (403): the key lacks ${endpointRights.directories.right}`,
            newKeyFix(observations.subject)
          )
        : error._tag === "ResourceNotFound"
          ? fail(
              "v2 directory API",
              `not available for this organisation (${error.message})`,
              "seatsync reads users through the v2 directory API (centralised user management); ask Atlassian support to move the organisation to it"
            )
          : fail(
              "v2 directory API",
              error.message,
              isTransient(error) ? transientFix(error) : "Report this with the request id in the message"
            )
  })

const domainOf = (account: ManagedAccount) => account.email?.split("@")[1]?.toLowerCase()

const managedCheck = (api: ApiProbes): Check =>
  Either.match(api.managedAccounts, {
    onRight: (accounts) => {
      const domains = [...new Set(accounts.flatMap((account) => domainOf(account) ?? []))].sort()
      return accounts.length === 0
        ? warn(
            "managed accounts",
            "none: the organisation has no verified domain, so managed-account data and Guard billing stay empty",
            "Verify and claim your domains under Atlassian Administration → Settings → Domains"
          )
        : pass(
            "managed accounts",
            `present (${accounts.length} on the first page); verified domains seen: ${domains.length === 0 ? "(emails hidden)" : domains.join(", ")}`
          )
    },
    onLeft: (error) =>
      warn(
        "managed accounts",
        error._tag === "Forbidden"
          ? "cannot be read (403): the key lacks read:accounts:admin (the sync does not need it; doctor uses it for domains and Guard)"
          : `cannot be read: ${error.message}`
      )
  })

/**
 * The Admin API has no Guard status; the only sign is `access_billable` on managed accounts ("billable in
 * Atlassian Guard Standard"). Billable accounts prove Guard is on; none cannot prove it is off.
 */
const guardCheck = (observations: Observations, api: ApiProbes): Check => {
  const { subject } = observations
  const configured = `configured ${subject.guard}`
  // The demo's connection is recorded by `sync --demo` with guard unknown; there is nothing to set.
  const setFix = (value: string) =>
    subject.demo ? undefined : `\`seatsync connect ${subject.name} --update --guard ${value}\``
  if (Either.isLeft(api.managedAccounts))
    return warn("Guard", `unknown (managed accounts cannot be read); ${configured}`)
  const billable = api.managedAccounts.right.filter((account) => account.access_billable === true).length
  if (billable === 0)
    return warn(
      "Guard",
      `unknown: no managed account on the first page is Guard-billable, and the API has no other sign of Guard; ${configured}`,
      subject.guard === "unknown" && !subject.demo
        ? `If you know (Atlassian Administration → Billing), record it: ${setFix("enabled|disabled")}`
        : undefined
    )
  const observed = `enabled (${billable} managed account${billable === 1 ? " is" : "s are"} Guard-billable)`
  if (subject.guard === "enabled") return pass("Guard", `${observed}, as configured`)
  if (subject.guard === "disabled")
    return fail(
      "Guard",
      `${observed}, but configured disabled`,
      setFix("enabled") ?? "Record Guard as enabled"
    )
  return warn("Guard", `${observed}; configured unknown`, setFix("enabled"))
}

/** The products whose ARI names this site's cloudId. */
const productsOnSite = (workspaces: ReadonlyArray<Workspace>, cloudId: string) =>
  workspaces.filter((workspace) => workspace.id?.endsWith(`/${cloudId}`) === true)

const siteCheck = (observations: Observations): Check => {
  const { subject } = observations
  const siteFix = `Give the site as https://<your-site>.atlassian.net: \`${connectUpdate(subject, "--site https://<your-site>.atlassian.net")}\``
  return Option.match(observations.cloudId, {
    onNone: () =>
      warn(
        "site → cloudId",
        "no site configured: Jira seats cannot be read from a site",
        `\`${connectUpdate(subject, "--site https://<your-site>.atlassian.net")}\``
      ),
    onSome: (probe) => {
      if (Either.isLeft(probe))
        return fail("site → cloudId", `${subject.siteUrl ?? "the site"}: ${probe.left.message}`, siteFix)
      const cloudId = probe.right
      const workspaces = observations.api?.workspaces
      if (workspaces === undefined || Either.isLeft(workspaces))
        return warn(
          "site → cloudId",
          `${subject.siteUrl} → ${cloudId}; the organisation's products could not be read to match it`
        )
      const matching = productsOnSite(workspaces.right, cloudId)
      return matching.length > 0
        ? pass(
            "site → cloudId",
            `${subject.siteUrl} → ${cloudId}, matching ${matching.length} product${matching.length === 1 ? "" : "s"} (${matching
              .map((workspace) => workspace.attributes?.typeKey ?? workspace.attributes?.name ?? "?")
              .join(", ")})`
          )
        : fail(
            "site → cloudId",
            `${subject.siteUrl} → ${cloudId}, which none of the organisation's ${workspaces.right.length} products is on: the site belongs to another organisation`,
            siteFix
          )
    }
  })
}

const jiraCheck = (observations: Observations): Check => {
  const { subject } = observations
  return Option.match(observations.jira, {
    onNone: () =>
      pass(
        "Jira credentials",
        `none set (optional, for exact Jira seats: \`${connectUpdate(subject, "--jira-email EMAIL --jira-token-env VAR")}\`)`
      ),
    onSome: ({ email, roles }) =>
      Either.match(roles, {
        onRight: (list) =>
          pass(
            "Jira credentials",
            `${email} works: ${
              list
                .map(
                  (role) =>
                    `${role.key} ${role.userCount ?? "?"}/${role.hasUnlimitedSeats === true ? "unlimited" : (role.numberOfSeats ?? "?")} seats`
                )
                .join(", ") || "no Jira products on the site"
            }`
          ),
        onLeft: (error) =>
          fail(
            "Jira credentials",
            error.message,
            isTransient(error)
              ? transientFix(error)
              : `Store a current API token of a Jira administrator: \`${connectUpdate(subject, `--jira-email ${email} --jira-token-env VAR`)}\``
          )
      })
  })
}

const lastRunCheck = (observations: Observations): Check => {
  const { subject } = observations
  const syncAgain = subject.demo ? "seatsync sync --demo" : `seatsync sync ${subject.name}`
  return Option.match(observations.lastRun, {
    onNone: () => warn("last run", "never synced", `\`${syncAgain}\``),
    onSome: (run) => {
      const when = (run.finishedAt ?? run.startedAt).toISOString()
      switch (run.status) {
        case "succeeded":
          return pass("last run", `succeeded ${when} (run ${run.id})`)
        case "running":
          return warn(
            "last run",
            `running since ${run.startedAt.toISOString()} (run ${run.id}); if no process runs it, the next sync marks it interrupted`
          )
        case "interrupted":
          return warn("last run", `interrupted ${when} (run ${run.id})`, `\`${syncAgain}\``)
        case "failed":
          return fail(
            "last run",
            `failed ${when} (run ${run.id}): ${run.errorMessage ?? "no message recorded"}`,
            `Fix what the message says (the checks above show the current state), then \`${syncAgain}\``
          )
      }
    }
  })
}

const scheduleCheck = (subject: Subject): Check => {
  if (subject.pausedAt !== null)
    return fail(
      "schedule",
      `PAUSED since ${subject.pausedAt.toISOString()} after ${subject.consecutiveFailures} failed run${subject.consecutiveFailures === 1 ? "" : "s"}: ${subject.pausedReason ?? "no reason recorded"}`,
      `Fix the cause, then \`seatsync connect ${subject.name} --resume\``
    )
  const every = `${subject.schedule} (${subject.timeZone})`
  return subject.consecutiveFailures > 0
    ? warn(
        "schedule",
        `${every}; the last ${subject.consecutiveFailures} scheduled run${subject.consecutiveFailures === 1 ? "" : "s"} failed (the worker pauses it if this goes on)`,
        "See the last run above"
      )
    : pass("schedule", `${every}, not paused`)
}

/** Every check of one connection, in the order an operator would fix them. */
export const connectionSection = (observations: Observations): Section => {
  const { subject, api, org } = observations
  const apiChecks: ReadonlyArray<Check> =
    api === undefined || org === undefined
      ? [
          skip("key rights", "not checked: see above"),
          skip("v2 directory API", "not checked: see above"),
          skip("managed accounts", "not checked: see above"),
          skip("Guard", `not checked: see above; configured ${subject.guard}`)
        ]
      : [
          rightsCheck(observations, api, org),
          directoryCheck(observations, api),
          managedCheck(api),
          guardCheck(observations, api)
        ]
  return {
    title: `${subject.demo ? "demo connection" : "connection"} ${subject.name} (org ${subject.orgId})`,
    checks: [
      keyCheck(observations),
      ...(subject.keyExpiry === undefined ? [] : [keyExpiryCheck(subject, subject.keyExpiry)]),
      keyValidCheck(observations),
      orgCheck(observations),
      ...apiChecks,
      siteCheck(observations),
      jiraCheck(observations),
      ...(subject.registered
        ? [lastRunCheck(observations), scheduleCheck(subject)]
        : [lastRunCheck(observations)]),
      ...[reconciliationCheck(observations), estimateCheck(observations)].filter(
        (check) => check !== undefined
      )
    ]
  }
}

/**
 * App and customer accounts: managed accounts that exist only in the v1 `GET /users` listing (bots of
 * integrations, and Jira Service Management portal customers on a verified domain), derived from (seed, i).
 */
import { draw } from "../Prng.js"
import type { Layout } from "./layout.js"

export interface ExtraAccount {
  readonly index: number
  readonly accountId: string
  readonly accountType: "app" | "customer"
  readonly accountStatus: "active" | "inactive"
  readonly name: string
  /** Absent for apps (they have no mailbox). */
  readonly email?: string
  readonly picture: string
}

const appNames = [
  "Automation for Jira",
  "Slack",
  "Microsoft Teams",
  "GitHub for Atlassian",
  "Opsgenie Integration",
  "Jira Cloud for Sheets"
] as const

/** Two to a few dozen: two plus one per 250 users, capped at 50; none in an empty organisation. */
export const extraAccountCount = (userCount: number): number =>
  userCount === 0 ? 0 : Math.min(50, 2 + Math.floor(userCount / 250))

export const deriveExtraAccount = (layout: Layout, _referenceMillis: number, index: number): ExtraAccount => {
  const d = draw(layout.seed, "extraAccount", index)
  const picture = `https://avatar.example.com/${d.hex("picture", 32)}/128.png`
  if (index % 2 === 0) {
    const name = appNames[(index / 2) % appNames.length]!
    return {
      index,
      accountId: `557058:${d.uuid("accountId")}`,
      accountType: "app",
      accountStatus: "active",
      name: index / 2 < appNames.length ? name : `${name} ${Math.floor(index / 2 / appNames.length) + 1}`,
      picture
    }
  }
  return {
    index,
    accountId: `qm:${d.uuid("accountId")}:${d.uuid("customer")}`,
    accountType: "customer",
    accountStatus: d.chance("inactive", 0.1) ? "inactive" : "active",
    name: `Portal customer ${index}`,
    email: `customer${index}@${layout.verifiedDomains[0]}`,
    picture
  }
}

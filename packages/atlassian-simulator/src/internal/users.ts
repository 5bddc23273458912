/**
 * Derives user number `index` of the synthetic organisation from (seed, index) alone, in O(1): identity,
 * statuses, directory, groups, product roles and last-active dates, all mutually consistent.
 */
import type {
  AccountStatus,
  ClaimStatus,
  Directory,
  Group,
  MembershipStatus,
  PlatformRole,
  ProductActivity,
  RoleAssignmentMethod,
  RoleId,
  SimulatedUser,
  UserRoleAssignment,
  UserStatus
} from "../Model.js"
import { type Draw, draw } from "../Prng.js"
import type { Layout } from "./layout.js"
import { teamSlotsOf } from "./membership.js"
import {
  contractorDomains,
  departments,
  firstNames,
  lastNames,
  locations,
  publicEmailDomains
} from "./names.js"

const dayMillis = 86_400_000

/** How likely a member of the org's directories is to hold a role on each product, on the main site. */
const productUptake: Record<string, number> = {
  "jira-software": 0.7,
  confluence: 0.8,
  "jira-servicedesk": 0.25,
  bitbucket: 0.2,
  opsgenie: 0.15,
  statuspage: 0.1,
  trello: 0.3
}

const pickStatus = (d: Draw, claimStatus: ClaimStatus, isOrgAdmin: boolean): UserStatus => {
  if (isOrgAdmin) return "active"
  const roll = d.float("status")
  if (claimStatus === "managed") {
    if (roll < 0.82) return "active"
    if (roll < 0.88) return "suspended"
    if (roll < 0.94) return "deactivated"
    if (roll < 0.98) return "not_invited"
    return "for_deletion"
  }
  if (roll < 0.85) return "active"
  if (roll < 0.93) return "suspended"
  return "deactivated"
}

/** admin-api.md §2.3: status is a composite of accountStatus and membershipStatus. */
const statusParts = (
  status: UserStatus
): { accountStatus: AccountStatus; membershipStatus: MembershipStatus } => {
  switch (status) {
    case "active":
      return { accountStatus: "active", membershipStatus: "active" }
    case "suspended":
      return { accountStatus: "active", membershipStatus: "suspended" }
    case "not_invited":
      return { accountStatus: "active", membershipStatus: "no_membership" }
    case "deactivated":
    case "for_deletion":
      return { accountStatus: "inactive", membershipStatus: "active" }
  }
}

// Names come from fixed lists, so each slug is computed once.
const slugs = new Map<string, string>()
const slugify = (text: string) => {
  let slug = slugs.get(text)
  if (slug === undefined) {
    slug = text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "")
    slugs.set(text, slug)
  }
  return slug
}

const chooseDirectory = (
  layout: Layout,
  d: Draw,
  claimStatus: ClaimStatus,
  status: UserStatus,
  isOrgAdmin: boolean
) => {
  const [local, idp, contractors] = layout.directories as readonly [
    Directory,
    Directory,
    Directory | undefined
  ]
  if (status === "not_invited") return undefined
  if (isOrgAdmin) return local
  if (claimStatus === "unmanaged") return contractors ?? local
  return d.chance("synced", 0.7) ? idp : local
}

/** Days before the reference time the user was last active, or undefined when never active. */
const lastActiveAge = (d: Draw, salt: number, status: UserStatus, daysInOrg: number): number | undefined => {
  const roll = d.float("activity", salt)
  let age: number
  if (roll < 0.6) age = d.float("activityAge", salt) * 30
  else if (roll < 0.75) age = 30 + d.float("activityAge", salt) * 60
  else if (roll < 0.85) age = 90 + d.float("activityAge", salt) * 275
  else return undefined
  if (status !== "active") age += 60
  return Math.min(age, daysInOrg)
}

/** The few draws that decide a user's claim status, status and directory: cheap, for membership walks. */
export const deriveCore = (layout: Layout, index: number) => {
  const d = draw(layout.seed, "user", index)
  const isOrgAdmin = index === 0
  const claimStatus: ClaimStatus = isOrgAdmin || d.chance("managed", 0.75) ? "managed" : "unmanaged"
  const status = pickStatus(d, claimStatus, isOrgAdmin)
  const directory = chooseDirectory(layout, d, claimStatus, status, isOrgAdmin)
  return { d, isOrgAdmin, claimStatus, status, directory }
}

export const deriveUser = (
  layout: Layout,
  referenceMillis: number,
  groupsPerUser: number,
  index: number
): SimulatedUser => {
  const { d, isOrgAdmin, claimStatus, status, directory } = deriveCore(layout, index)
  const emailDomain =
    claimStatus === "managed"
      ? d.chance("secondaryDomain", 0.15) && !isOrgAdmin
        ? layout.verifiedDomains[1]!
        : layout.verifiedDomains[0]!
      : d.chance("publicDomain", 0.4)
        ? d.pick("publicDomain", publicEmailDomains)
        : d.pick("contractorDomain", contractorDomains)
  const { accountStatus, membershipStatus } = statusParts(status)

  const first = d.pick("firstName", firstNames)
  const last = d.pick("lastName", lastNames)
  const name = `${first} ${last}`
  const nicknameRoll = d.float("nickname")
  const nickname =
    nicknameRoll < 0.7
      ? first
      : nicknameRoll < 0.9
        ? `${first} ${last.charAt(0)}.`
        : `${slugify(first)}${index}`
  // The index keeps addresses unique, so `emails` exact matches resolve to one user.
  const address = `${slugify(first)}.${slugify(last)}${index === 0 ? "" : index}@${emailDomain}`
  const emailHidden = claimStatus === "unmanaged" && d.chance("hiddenEmail", 0.2)

  const accountId = d.chance("legacyId", 0.35) ? d.hex("accountId", 24) : `557058:${d.uuid("accountId")}`

  const daysInOrg = isOrgAdmin ? 2000 : d.int("addedDays", 1, 2000)
  const addedMillis = referenceMillis - daysInOrg * dayMillis - d.int("addedMillis", 0, dayMillis - 1)
  const addedToOrg = new Date(addedMillis).toISOString()

  const department = d.pick("department", departments)
  const location = d.pick("location", locations)

  const platformRoles: Array<PlatformRole> = []
  if (isOrgAdmin) platformRoles.push("atlassian/org-admin")
  else if (claimStatus === "managed" && status === "active") {
    if (d.chance("siteAdmin", 0.015)) platformRoles.push("atlassian/site-admin")
    if (d.chance("userAccessAdmin", 0.01)) platformRoles.push("atlassian/user-access-admin")
  }
  if (status === "active" && d.chance("aiAccess", 0.1)) platformRoles.push("atlassian/ai-access")

  const groups: Array<Group> = []
  const roleTable = new Map<
    string,
    { resourceId: string; role: RoleId; methods: Array<RoleAssignmentMethod> }
  >()
  const grant = (resourceId: string, role: RoleId, method: RoleAssignmentMethod) => {
    const key = `${resourceId} ${role}`
    const entry = roleTable.get(key)
    if (entry === undefined) roleTable.set(key, { resourceId, role, methods: [method] })
    else if (!entry.methods.includes(method)) entry.methods.push(method)
  }
  const productAccess: Array<ProductActivity> = []
  const mainSite = layout.sites[0]?.cloudId
  const isSiteAdmin = platformRoles.includes("atlassian/site-admin")
  if (directory !== undefined) {
    const productGroups = layout.productGroup.get(directory.directoryId)
    layout.userProducts.forEach((product, productIndex) => {
      const onMainSite = product.cloudId === mainSite
      const uptake = (productUptake[product.key] ?? 0.5) * (onMainSite ? 1 : 0.4)
      const viaGroup = isOrgAdmin || d.chance("product", uptake, productIndex)
      // Unmanaged collaborators often get Confluence as guests, assigned directly rather than by group;
      // some get Jira Service Management as customers; a few managed users are JSM stakeholders.
      const asGuest =
        !viaGroup &&
        product.key === "confluence" &&
        claimStatus === "unmanaged" &&
        d.chance("guest", 0.5, productIndex)
      const asCustomer =
        !viaGroup &&
        product.key === "jira-servicedesk" &&
        claimStatus === "unmanaged" &&
        d.chance("customer", 0.4, productIndex)
      const asStakeholder =
        !viaGroup &&
        product.key === "jira-servicedesk" &&
        claimStatus === "managed" &&
        d.chance("stakeholder", 0.05, productIndex)
      if (!viaGroup && !asGuest && !asCustomer && !asStakeholder) return
      if (viaGroup) {
        const group = productGroups?.get(product.resourceId)
        if (group !== undefined) groups.push(group)
        grant(product.resourceId, "atlassian/user", "group_direct")
        if (isOrgAdmin || d.chance("productAdmin", 0.03, productIndex)) {
          grant(product.resourceId, "atlassian/admin", "direct")
        }
        // Administering a site implies administering its products.
        if ((isOrgAdmin || isSiteAdmin) && onMainSite && product.sited) {
          grant(product.resourceId, "atlassian/admin", "inferred")
        }
      } else {
        grant(
          product.resourceId,
          asGuest ? "atlassian/guest" : asCustomer ? "atlassian/customer" : "atlassian/stakeholder",
          "direct"
        )
      }
      const age = lastActiveAge(d, productIndex, status, daysInOrg)
      if (age !== undefined) {
        // Whole seconds, so the v1 last-active-dates timestamps (no milliseconds) name the same instant.
        const lastActiveMillis = referenceMillis - Math.round((age * dayMillis) / 1000) * 1000
        productAccess.push({
          key: product.key,
          id: product.resourceId,
          lastActiveTimestamp: new Date(lastActiveMillis).toISOString()
        })
      } else if (d.chance("listedUnused", 0.5, productIndex)) {
        // Never active: sometimes listed without a timestamp, sometimes not listed at all.
        productAccess.push({ key: product.key, id: product.resourceId })
      }
    })
    if (isOrgAdmin) groups.push(layout.orgAdminsGroup)
    const teams = layout.teamGroups.get(directory.directoryId) ?? []
    for (const slot of teamSlotsOf(index, teams.length, groupsPerUser)) {
      const team = teams[slot]
      if (team === undefined) continue
      groups.push(team)
      for (const teamGrant of team.grants) grant(teamGrant.resourceId, teamGrant.role, "group_direct")
    }
  }
  const roles: Array<UserRoleAssignment> = [...roleTable.values()]

  const pictureHash = d.hex("picture", 32)
  return {
    index,
    accountId,
    accountType: "atlassian",
    name,
    nickname,
    ...(emailHidden ? {} : { email: address }),
    emailVerified: claimStatus === "managed" || d.chance("emailVerified", 0.9),
    claimStatus,
    status,
    accountStatus,
    membershipStatus,
    addedToOrg,
    mfaEnabled: d.chance("mfa", claimStatus === "managed" ? 0.7 : 0.4),
    ...(claimStatus === "managed" && directory !== undefined
      ? { managementSource: directory.kind === "idp" ? ("synced" as const) : ("invited" as const) }
      : {}),
    platformRoles,
    picture: `https://avatar.example.com/${pictureHash}/128.png`,
    avatar: `https://avatar.example.com/${pictureHash}/48.png`,
    jobTitle: d.pick("jobTitle", department.titles),
    department: department.name,
    ...(claimStatus === "managed"
      ? { organization: layout.name }
      : publicEmailDomains.some((domain) => domain === emailDomain)
        ? {}
        : { organization: emailDomain.split(".")[0] ?? emailDomain }),
    location: location.name,
    timeZone: location.timeZone,
    directoryIds: directory === undefined ? [] : [directory.directoryId],
    groupIds: groups.map((group) => group.id),
    roles,
    productAccess
  }
}

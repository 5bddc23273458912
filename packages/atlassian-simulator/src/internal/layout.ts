/**
 * The small, fully materialised part of the synthetic organisation: its identity, directories, sites,
 * products and groups. Users are not here; they are derived one at a time (see `users.ts`).
 */
import type { Directory, Group, Product, ProductKey, RoleAssignment, Site } from "../Model.js"
import { draw } from "../Prng.js"
import { companyAdjectives, companyNouns, identityProviders, teamNames } from "./names.js"

export interface Layout {
  readonly seed: number
  readonly orgId: string
  readonly name: string
  readonly slug: string
  readonly verifiedDomains: ReadonlyArray<string>
  readonly directories: ReadonlyArray<Directory>
  readonly sites: ReadonlyArray<Site>
  readonly products: ReadonlyArray<Product>
  readonly groups: ReadonlyArray<Group>
  /** The group of `directoryId` that grants `atlassian/user` on the product with this resource id. */
  readonly productGroup: ReadonlyMap<string, ReadonlyMap<string, Group>>
  /** Team groups (no product grant) per directory id. */
  readonly teamGroups: ReadonlyMap<string, ReadonlyArray<Group>>
  /** The local directory's `org-admins` group. */
  readonly orgAdminsGroup: Group
}

const productNames: Record<ProductKey, string> = {
  "jira-software": "Jira",
  confluence: "Confluence",
  "jira-servicedesk": "Jira Service Management",
  bitbucket: "Bitbucket"
}

/** Which products each site (by position) runs; the first site also owns the Bitbucket workspace. */
const productsBySite: ReadonlyArray<ReadonlyArray<ProductKey>> = [
  ["jira-software", "confluence", "jira-servicedesk", "bitbucket"],
  ["jira-software", "confluence"],
  ["confluence"]
]

export const makeLayout = (seed: number, teamGroupCount: number): Layout => {
  const org = draw(seed, "org", 0)
  const adjective = org.pick("adjective", companyAdjectives)
  const noun = org.pick("noun", companyNouns)
  const name = `${adjective} ${noun}`
  const slug = `${adjective}-${noun}`.toLowerCase()
  const verifiedDomains = [`${slug}.example`, `${slug}-labs.example`]

  const provider = org.pick("idp", identityProviders)
  const directoryCount = org.chance("contractorsDirectory", 0.5) ? 3 : 2
  const directoryKinds: ReadonlyArray<Directory["kind"]> = ["local", "idp", "contractors"]
  const directories: Array<Directory> = directoryKinds.slice(0, directoryCount).map((kind, index) => ({
    directoryId: draw(seed, "directory", index).uuid("id"),
    name:
      kind === "local" ? `${name} local directory` : kind === "idp" ? `${provider} directory` : "Contractors",
    icon: `https://directory-icons.example.com/${kind}.png`,
    kind
  }))

  const siteCount = org.chance("thirdSite", 0.5) ? 3 : 2
  const siteSuffixes = ["", "-sandbox", "-eu"]
  const sites: Array<Site> = siteSuffixes.slice(0, siteCount).map((suffix, index) => {
    const siteName = `${slug}${suffix}`
    return {
      cloudId: draw(seed, "site", index).uuid("cloudId"),
      name: siteName,
      hostUrl: `https://${siteName}.atlassian.net`
    }
  })

  const products: Array<Product> = sites.flatMap((site, index) =>
    (productsBySite[index] ?? []).map((key) => ({
      key,
      name: productNames[key],
      resourceId:
        key === "bitbucket"
          ? `ari:cloud:bitbucket::workspace/${draw(seed, "bitbucket", index).uuid("workspace")}`
          : `ari:cloud:${key}::site/${site.cloudId}`,
      cloudId: site.cloudId,
      hostUrl: key === "bitbucket" ? `https://bitbucket.org/${slug}` : site.hostUrl
    }))
  )

  const groups: Array<Group> = []
  const productGroup = new Map<string, Map<string, Group>>()
  const teamGroups = new Map<string, Array<Group>>()
  let groupNumber = 0
  const addGroup = (
    directory: Directory,
    groupName: string,
    description: string | null,
    grants: ReadonlyArray<RoleAssignment>
  ): Group => {
    const group: Group = {
      id: draw(seed, "group", groupNumber++).uuid("id"),
      name: groupName,
      description,
      directoryId: directory.directoryId,
      externalSynced: directory.kind === "idp",
      grants
    }
    groups.push(group)
    return group
  }

  for (const directory of directories) {
    const prefix =
      directory.kind === "idp"
        ? `${provider.split(" ")[0]?.toLowerCase() ?? "idp"}-`
        : directory.kind === "contractors"
          ? "contractors-"
          : ""
    const byProduct = new Map<string, Group>()
    for (const product of products) {
      const site = sites.find((candidate) => candidate.cloudId === product.cloudId)
      const groupName = `${prefix}${product.key}-users-${site?.name ?? slug}`
      const description = `Grants access to ${product.name} on ${product.hostUrl}`
      byProduct.set(
        product.resourceId,
        addGroup(directory, groupName, description, [
          { resourceId: product.resourceId, role: "atlassian/user" }
        ])
      )
    }
    productGroup.set(directory.directoryId, byProduct)
    teamGroups.set(directory.directoryId, [])
  }

  const localDirectory = directories[0]!
  const orgAdminsGroup = addGroup(localDirectory, "org-admins", "Organization administrators", [])

  for (let team = 0; team < teamGroupCount; team++) {
    const directory = directories[team % directories.length]!
    const base = teamNames[team % teamNames.length]!
    const round = Math.floor(team / teamNames.length)
    const groupName = `team-${base}${round === 0 ? "" : `-${round + 1}`}`
    const description = draw(seed, "team", team).chance("noDescription", 0.25) ? null : `The ${base} team`
    teamGroups.get(directory.directoryId)?.push(addGroup(directory, groupName, description, []))
  }

  return {
    seed,
    orgId: org.uuid("orgId"),
    name,
    slug,
    verifiedDomains,
    directories,
    sites,
    products,
    groups,
    productGroup,
    teamGroups,
    orgAdminsGroup
  }
}

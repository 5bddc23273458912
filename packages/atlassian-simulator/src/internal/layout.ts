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
  /** The products users hold roles on: the first `maxUserProducts`. */
  readonly userProducts: ReadonlyArray<Product>
  readonly groups: ReadonlyArray<Group>
  /** The group of `directoryId` that grants `atlassian/user` on the product with this resource id. */
  readonly productGroup: ReadonlyMap<string, ReadonlyMap<string, Group>>
  /** Team groups (no product grant, or a non-billable one) per directory id, in `teamSlot` order. */
  readonly teamGroups: ReadonlyMap<string, ReadonlyArray<Group>>
  /** The local directory's `org-admins` group. */
  readonly orgAdminsGroup: Group
}

/** Users hold roles on at most this many products; further products are idle workspaces. */
export const maxUserProducts = 20

const productNames: Record<ProductKey, string> = {
  "jira-software": "Jira",
  confluence: "Confluence",
  "jira-servicedesk": "Jira Service Management",
  bitbucket: "Bitbucket",
  opsgenie: "Opsgenie",
  statuspage: "Statuspage",
  trello: "Trello"
}

/** Which products each site (by position) runs by default; the first site also owns the Bitbucket workspace. */
const productsBySite: ReadonlyArray<ReadonlyArray<ProductKey>> = [
  ["jira-software", "confluence", "jira-servicedesk", "bitbucket"],
  ["jira-software", "confluence"],
  ["confluence"]
]

/** Sited products added, site by site, when more products are asked for than the default layout has. */
const extraSitedKeys: ReadonlyArray<ProductKey> = [
  "jira-software",
  "confluence",
  "jira-servicedesk",
  "opsgenie"
]
/** Then standalone workspaces, round-robin, as many as needed. */
const extraWorkspaceKeys: ReadonlyArray<ProductKey> = ["trello", "bitbucket", "statuspage"]

const dayMillis = 86_400_000

export interface LayoutOptions {
  readonly seed: number
  readonly teamGroups: number
  /** Total groups wanted; overrides `teamGroups` when given (never fewer than the structural groups). */
  readonly groups: number | undefined
  /** Product instances wanted; default: the default layout (6 or 7). */
  readonly products: number | undefined
  readonly referenceMillis: number
}

export const makeLayout = (options: LayoutOptions): Layout => {
  const { seed, referenceMillis } = options
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

  // (site index, key) pairs: the default layout, then more sited products, then standalone workspaces.
  const placements: Array<readonly [number, ProductKey]> = sites.flatMap((_, index) =>
    (productsBySite[index] ?? []).map((key) => [index, key] as const)
  )
  const wanted = options.products ?? placements.length
  if (wanted < placements.length) placements.length = wanted
  for (let index = 0; index < sites.length && placements.length < wanted; index++) {
    for (const key of extraSitedKeys) {
      if (placements.length >= wanted) break
      if (!placements.some(([site, existing]) => site === index && existing === key)) {
        placements.push([index, key])
      }
    }
  }
  for (let extra = 0; placements.length < wanted; extra++) {
    placements.push([0, extraWorkspaceKeys[extra % extraWorkspaceKeys.length]!])
  }

  const workspaceCounts = new Map<ProductKey, number>()
  const workspaceHandles = new Map<string, string>()
  const products: Array<Product> = placements.map(([siteIndex, key], position) => {
    const site = sites[siteIndex]!
    const d = draw(seed, "product", position)
    const sited = key !== "bitbucket" && key !== "trello" && key !== "statuspage"
    const createdAt = new Date(
      referenceMillis -
        d.int("createdDays", 400, 3000) * dayMillis -
        d.int("createdSeconds", 0, 86_399) * 1000
    ).toISOString()
    const common = { key, name: productNames[key], cloudId: site.cloudId, position, sited, createdAt }
    if (sited) {
      return {
        ...common,
        resourceId: `ari:cloud:${key}::site/${site.cloudId}`,
        hostUrl: site.hostUrl,
        // Licence data is available for the paid products of the main site only.
        reportsCapacity: siteIndex === 0 && key !== "opsgenie",
        plan: siteIndex === 0 ? (d.chance("premium", 0.3) ? "PREMIUM" : "STANDARD") : "STANDARD"
      }
    }
    // The first Bitbucket workspace keeps the id the default layout always had.
    const ordinal = workspaceCounts.get(key) ?? 0
    workspaceCounts.set(key, ordinal + 1)
    const handle = ordinal === 0 ? slug : `${slug}-${ordinal + 1}`
    const uuid =
      key === "bitbucket" && ordinal === 0
        ? draw(seed, "bitbucket", siteIndex).uuid("workspace")
        : d.uuid("workspace")
    const resourceId = `ari:cloud:${key}::${key === "statuspage" ? "page" : "workspace"}/${uuid}`
    workspaceHandles.set(resourceId, handle)
    return {
      ...common,
      resourceId,
      hostUrl:
        key === "bitbucket"
          ? `https://bitbucket.org/${handle}`
          : key === "trello"
            ? `https://trello.com/w/${handle}`
            : `https://${handle}.statuspage.io`,
      reportsCapacity: key === "bitbucket",
      plan: key === "trello" ? "FREE" : "STANDARD"
    }
  })
  const userProducts = products.slice(0, maxUserProducts)

  const groups: Array<Group> = []
  const productGroup = new Map<string, Map<string, Group>>()
  const teamGroups = new Map<string, Array<Group>>()
  let groupNumber = 0
  const addGroup = (
    directory: Directory,
    groupName: string,
    description: string | null,
    grants: ReadonlyArray<RoleAssignment>,
    kind: Group["kind"],
    teamSlot?: number
  ): Group => {
    const group: Group = {
      id: draw(seed, "group", groupNumber++).uuid("id"),
      name: groupName,
      description,
      directoryId: directory.directoryId,
      externalSynced: directory.kind === "idp",
      grants,
      kind,
      ...(teamSlot === undefined ? {} : { teamSlot })
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
    for (const product of userProducts) {
      const site = sites.find((candidate) => candidate.cloudId === product.cloudId)
      const handle = product.sited ? (site?.name ?? slug) : (workspaceHandles.get(product.resourceId) ?? slug)
      const groupName = `${prefix}${product.key}-users-${handle}`
      const description = `Grants access to ${product.name} on ${product.hostUrl}`
      byProduct.set(
        product.resourceId,
        addGroup(
          directory,
          groupName,
          description,
          [{ resourceId: product.resourceId, role: "atlassian/user" }],
          "product"
        )
      )
    }
    productGroup.set(directory.directoryId, byProduct)
    teamGroups.set(directory.directoryId, [])
  }

  const localDirectory = directories[0]!
  const orgAdminsGroup = addGroup(localDirectory, "org-admins", "Organization administrators", [], "admins")

  const teamGroupCount =
    options.groups === undefined ? options.teamGroups : Math.max(0, options.groups - groups.length)
  // Some team groups grant a non-billable role: Jira "basic" or Confluence "contributor" access.
  const firstJira = userProducts.find((product) => product.key === "jira-software")
  const firstConfluence = userProducts.find((product) => product.key === "confluence")
  for (let team = 0; team < teamGroupCount; team++) {
    const directory = directories[team % directories.length]!
    const base = teamNames[team % teamNames.length]!
    const round = Math.floor(team / teamNames.length)
    const groupName = `team-${base}${round === 0 ? "" : `-${round + 1}`}`
    const teamDraw = draw(seed, "team", team)
    const description = teamDraw.chance("noDescription", 0.25) ? null : `The ${base} team`
    const grantRoll = teamDraw.float("grant")
    const grants: Array<RoleAssignment> =
      grantRoll < 0.1 && firstJira !== undefined
        ? [{ resourceId: firstJira.resourceId, role: "atlassian/basic" }]
        : grantRoll < 0.2 && firstConfluence !== undefined
          ? [{ resourceId: firstConfluence.resourceId, role: "atlassian/contributor" }]
          : []
    const slots = teamGroups.get(directory.directoryId)
    slots?.push(addGroup(directory, groupName, description, grants, "team", slots.length))
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
    userProducts,
    groups,
    productGroup,
    teamGroups,
    orgAdminsGroup
  }
}

/**
 * Atlassian resource identifiers (ARIs) of product instances, e.g. `ari:cloud:jira-software::site/<cloudId>`:
 * the one key that joins workspaces, last-active `product_access[].id` and role-assignment `resourceId`.
 */

/** What an ARI of a product instance says: the product key and the site's cloudId (or workspace id). */
export interface ParsedAri {
  readonly productKey: string
  readonly resourceType: string
  readonly cloudId: string
}

const pattern = /^ari:cloud:([^:]+)::([^/]+)\/(.+)$/

/** Parses `ari:cloud:<product>::<type>/<id>`; undefined for anything else. */
export const parseAri = (ari: string): ParsedAri | undefined => {
  const match = pattern.exec(ari.trim())
  if (match === null) return undefined
  const [, productKey, resourceType, cloudId] = match
  return productKey === undefined || resourceType === undefined || cloudId === undefined
    ? undefined
    : { productKey, resourceType, cloudId }
}

/** The cloudId at the end of an ARI (`…/<cloudId>`), or the input itself when it is a bare id. */
export const cloudIdOf = (idOrAri: string): string => parseAri(idOrAri)?.cloudId ?? idOrAri.trim()

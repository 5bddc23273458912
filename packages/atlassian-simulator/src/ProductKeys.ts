/** Product keys across API generations: the v2 ARI segment vs the v1 `Product.key` enum, and resource owners. */
import type { ProductKey } from "./Model.js"

/** The v1 key (`User.product_access[].key`, last-active `key`): Jira Service Management is `jira-service-desk`. */
export const v1ProductKey = (key: ProductKey): string =>
  key === "jira-servicedesk" ? "jira-service-desk" : key

/** The owner segment of an ARI, e.g. `jira-software` of `ari:cloud:jira-software::site/…`. */
export const resourceOwnerOf = (resourceId: string): string =>
  /^ari:cloud:([^:]+)::/.exec(resourceId)?.[1] ?? ""

/** The org-level resource platform roles (org-admin, ai-access) are assigned on. */
export const orgResourceId = (orgId: string): string => `ari:cloud:platform::org/${orgId}`

/** The site-level resource site-scoped platform roles (site-admin, user-access-admin) are assigned on. */
export const siteResourceId = (cloudId: string): string => `ari:cloud:platform::site/${cloudId}`

/** `2026-05-01T09:12:33.000Z` → `2026-05-01T09:12:33Z` (the v1 `yyyy-MM-dd'T'HH:mm:ss'Z'` format). */
export const secondsTimestamp = (iso: string): string => `${iso.slice(0, 19)}Z`

/**
 * Which product roles consume a licence (admin-api.md §2.3): the one place seatsync decides "billable".
 */

/**
 * Every role id Atlassian documents, with whether holding it on a product uses a paid seat:
 * `user` and `admin` do; `customer` (JSM portal), `contributor`, `basic` and `stakeholder` are documented as
 * non-billable; `guest` and `user-access-admin` grant no licensed product access (LEAN treats them the same);
 * `org-admin`, `site-admin` and `ai-access` are platform roles, not product seats.
 */
export const roleBillability = {
  "atlassian/user": true,
  "atlassian/admin": true,
  "atlassian/guest": false,
  "atlassian/customer": false,
  "atlassian/user-access-admin": false,
  "atlassian/contributor": false,
  "atlassian/basic": false,
  "atlassian/stakeholder": false,
  "atlassian/org-admin": false,
  "atlassian/site-admin": false,
  "atlassian/ai-access": false
} as const satisfies Record<string, boolean>

export type KnownRoleId = keyof typeof roleBillability

/** True for a known role id. */
export const isKnownRole = (roleId: string): roleId is KnownRoleId => Object.hasOwn(roleBillability, roleId)

/**
 * Whether a role consumes a licence. An unknown role id (Atlassian adds roles) counts as NOT billable so that
 * seat counts never include a role nobody has classified; it is stored as-is so a report can find it.
 */
export const isBillableRole = (roleId: string): boolean =>
  isKnownRole(roleId) ? roleBillability[roleId] : false

/**
 * The fleet benchmark's mix of organisation sizes, by index (deterministic): seven in ten small (25 users),
 * a quarter mid-size (100 users), one in twenty large (400 users).
 */
export interface OrganisationSize {
  readonly label: "small" | "mid" | "large"
  readonly users: number
  readonly groups: number
  readonly products: number
}

const small: OrganisationSize = { label: "small", users: 25, groups: 5, products: 3 }
const mid: OrganisationSize = { label: "mid", users: 100, groups: 15, products: 5 }
const large: OrganisationSize = { label: "large", users: 400, groups: 40, products: 8 }

/** The size of organisation `index` (out of every 20: 14 small, 5 mid, 1 large). */
export const fleetSizeOf = (index: number): OrganisationSize => {
  const slot = index % 20
  return slot === 19 ? large : slot >= 14 ? mid : small
}

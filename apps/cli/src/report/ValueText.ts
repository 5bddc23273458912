/**
 * How report values read as text — dates, counts, ratios, durations, product labels, the reclaimable rule — in
 * every report and format (pure).
 */

/** `2026-11-28`, UTC. */
export const day = (date: Date): string => date.toISOString().slice(0, 10)

/** `2026-11-28 17:42 UTC`. */
export const minute = (date: Date): string => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`

/** `62.5 %`; `–` when unknown. */
export const percent = (ratio: number | null): string =>
  ratio === null ? "–" : `${(Math.round(ratio * 1000) / 10).toFixed(1)} %`

/** A count that may be unknown (a capacity Atlassian does not give). */
export const count = (value: number | null): string => (value === null ? "–" : String(value))

/** `12.3 s`, `4 min 5 s`, `2 h 3 min`. */
export const duration = (seconds: number): string => {
  if (seconds < 60) return `${(Math.round(seconds * 10) / 10).toFixed(1)} s`
  const whole = Math.round(seconds)
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`
}

/** `confluence (bright-labs-eu)`: a product is its key on a site or workspace, which several may share. */
export const productLabel = (product: {
  readonly productKey: string
  readonly productName: string
}): string =>
  product.productName === product.productKey
    ? product.productKey
    : `${product.productKey} (${product.productName})`

/** The reclaimable rule in words, with the thresholds the rows used (none: no line). */
export const thresholdNote = (rows: ReadonlyArray<{ readonly inactiveAfterDays: number }>): string => {
  const thresholds = [...new Set(rows.map((row) => row.inactiveAfterDays))]
  return thresholds.length === 0
    ? ""
    : `reclaimable: billable seats inactive for ${thresholds.join(" / ")} days or never active (14 days' grace for new accounts)`
}

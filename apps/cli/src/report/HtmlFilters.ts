/**
 * The filter bar above a table of the HTML report: one drop-down per filter, listing the values its rows have
 * (a row carries its value as `data-<key>`), and a count of the rows shown; HtmlScript.ts makes it work (pure).
 */
import { escapeHtml } from "./Escape.js"

/** A filter: the rows' `facets` key it reads (lower-case letters and `-`) and what the drop-down is called. */
export interface Filter {
  readonly key: string
  readonly label: string
}

/** `key` as the tail of a `data-` attribute name: only lower-case letters and `-` kept. */
export const facetAttribute = (key: string): string => `data-${key.replace(/[^a-z-]/g, "")}`

interface FacetedRow {
  readonly facets?: Readonly<Record<string, { readonly value: string; readonly label: string }>>
}

/** Each distinct value of `key` among the rows, once, ordered by its label. */
const optionsOf = (key: string, rows: ReadonlyArray<FacetedRow>) => {
  const labels = new Map<string, string>()
  for (const row of rows) {
    const facet = row.facets?.[key]
    if (facet !== undefined && !labels.has(facet.value)) labels.set(facet.value, facet.label)
  }
  return [...labels.entries()].sort(([, a], [, b]) => a.localeCompare(b))
}

const select = (filter: Filter, rows: ReadonlyArray<FacetedRow>) =>
  `<label>${escapeHtml(filter.label)} <select data-filter="${facetAttribute(filter.key)}"><option value="">all</option>` +
  optionsOf(filter.key, rows)
    .map(([value, label]) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`)
    .join("") +
  "</select></label>"

export const filterBar = (filters: ReadonlyArray<Filter>, rows: ReadonlyArray<FacetedRow>): string =>
  `<div class="filters">${filters.map((filter) => select(filter, rows)).join("")}` +
  `<output class="muted">${rows.length} of ${rows.length}</output></div>`

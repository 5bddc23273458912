/**
 * The `html` format's page: one self-contained document holding every report's section in turn. Inline CSS
 * (and the sections' inline SVG) only: no script, font, image or link fetched from anywhere (pure).
 */
import { escapeHtml } from "./Escape.js"
import { minute } from "./ValueText.js"

const style = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:2rem auto;max-width:1100px;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
h3{margin:1.4rem 0 .4rem}.muted{color:#656d76}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:13px}
th,td{border-bottom:1px solid #d8dee4;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{max-width:100%;height:auto;border:1px solid #d8dee4;border-radius:6px}
svg .grid{stroke:#eaeef2}svg .tick{font-size:10px;fill:#656d76}svg .value{font-size:11px;fill:#1f2328}svg .legend{font-size:11px;fill:#1f2328}svg .caption{font-size:12px;font-weight:600;fill:#1f2328}
.paused{background:#fff1e5}.badge{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:12px}
.badge.bad{background:#ffebe9;color:#a40e26}.badge.ok{background:#dafbe1;color:#116329}
@media print{body{margin:0}.charts svg{break-inside:avoid}}
`

/** What the page is about: the names of the connections reported on and when. */
export interface PageHeading {
  readonly connections: ReadonlyArray<string>
  readonly generatedAt: Date
}

/** The page: a title naming the connections, then the sections (already escaped markup), in order. */
export const htmlPage = (heading: PageHeading, sections: ReadonlyArray<string>): string => {
  const connections = [...new Set(heading.connections)]
  const title = `seatsync report — ${connections.length === 0 ? "no connections" : connections.join(", ")}`
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${style}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="muted">Generated ${escapeHtml(minute(heading.generatedAt))} by seatsync from its PostgreSQL copy of the organisation.</p>`,
    ...sections,
    "</body></html>",
    ""
  ].join("\n")
}

/**
 * The `html` format's page: one self-contained document holding every report's section in turn, laid out for a
 * laptop screen (1280 px wide: no sideways page scroll; a wide table scrolls in its own box, dates and ids
 * never broken, headers kept in view). Inline CSS, the sections' inline SVG and one inline script (HtmlScript:
 * sorting and filters) only — no script, font, image or link fetched from anywhere — under a
 * Content-Security-Policy that allows exactly that style and that script, by hash (pure).
 */
import { escapeHtml } from "./Escape.js"
import { cspHash, reportScript } from "./HtmlScript.js"
import { minute } from "./ValueText.js"

const style = `
*,*::before,*::after{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:2rem auto;max-width:1260px;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
h3{margin:1.4rem 0 .4rem}.muted{color:#656d76}
.table{margin:.6rem 0 1rem;max-width:100%}
.scroll{overflow:auto;max-height:70vh;border:1px solid #d8dee4;border-radius:6px}
.scroll:focus-visible{outline:2px solid #0969da}
table{border-collapse:separate;border-spacing:0;width:100%;font-size:13px}
th,td{border-bottom:1px solid #d8dee4;padding:.3rem .4rem;text-align:left;vertical-align:top}
tbody tr:last-child td{border-bottom:0}
thead th{position:sticky;top:0;z-index:1;background:#f6f8fa;box-shadow:0 1px 0 #d0d7de;vertical-align:bottom}
th button{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;margin:0;cursor:pointer;text-align:inherit}
th button::after{content:" \\2195";color:#8c959f;font-weight:400}
th[aria-sort=ascending] button::after{content:" \\25B2";color:#1f2328}th[aria-sort=descending] button::after{content:" \\25BC";color:#1f2328}
th.n{text-align:right}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nw{white-space:nowrap}code{font-size:12px;white-space:nowrap}td code{font-size:11px}
.sub{display:block;color:#656d76;font-size:12px;overflow-wrap:normal}
tfoot td{font-weight:600;background:#f6f8fa;border-top:1px solid #d0d7de;border-bottom:0}
.filters{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center;margin:.4rem 0}
.filters select{font:inherit;padding:.15rem .3rem}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{max-width:100%;height:auto;border:1px solid #d8dee4;border-radius:6px}
svg .grid{stroke:#eaeef2}svg .tick{font-size:10px;fill:#656d76}svg .value{font-size:11px;fill:#1f2328}svg .legend{font-size:11px;fill:#1f2328}svg .caption{font-size:12px;font-weight:600;fill:#1f2328}
.paused{background:#fff1e5}.badge{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:12px;white-space:nowrap}
.badge.bad{background:#ffebe9;color:#a40e26}.badge.ok{background:#dafbe1;color:#116329}.badge.warn{background:#fff8c5;color:#7d4e00}
@media print{body{margin:0;max-width:none}.scroll{max-height:none;overflow:visible;border:0}.filters{display:none}th button::after{content:none}.charts svg{break-inside:avoid}}
`

/** Nothing may load; only this page's own style and script run. */
const contentSecurityPolicy = [
  "default-src 'none'",
  `style-src ${cspHash(style)}`,
  `script-src ${cspHash(reportScript)}`,
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'"
].join("; ")

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
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${style}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="muted">Generated ${escapeHtml(minute(heading.generatedAt))} by seatsync from its PostgreSQL copy of the organisation.</p>`,
    ...sections,
    `<script>${reportScript}</script>`,
    "</body></html>",
    ""
  ].join("\n")
}

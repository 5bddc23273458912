/**
 * Inline SVG charts for the HTML report: a grouped bar chart (seats now) and a line chart over days (the seat
 * ledger). Pure functions from numbers to markup; every label is escaped; no external references.
 */
import { escapeHtml } from "./Escape.js"

export interface Series {
  readonly name: string
  /** A CSS colour, e.g. `#1f6feb`; used as given, so only constants of this module's callers. */
  readonly colour: string
}

export interface Bar {
  readonly series: Series
  /** Null: unknown (drawn as a dashed outline with "?" instead of a bar). */
  readonly value: number | null
}

const width = 520
const height = 240
const margin = { top: 34, right: 16, bottom: 56, left: 48 }
const plotWidth = width - margin.left - margin.right
const plotHeight = height - margin.top - margin.bottom

/** A round upper bound and tick step for the y axis. */
const scaleOf = (maximum: number): { readonly top: number; readonly step: number } => {
  if (maximum <= 0) return { top: 1, step: 1 }
  const raw = maximum / 4
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((factor) => factor * magnitude >= raw) ?? 10) * magnitude
  return { top: Math.ceil(maximum / step) * step, step: Math.max(1, step) }
}

const number = (value: number) => (Math.round(value * 10) / 10).toString()

const yAxis = (top: number, step: number) => {
  const parts: Array<string> = []
  for (let tick = 0; tick <= top; tick += step) {
    const y = margin.top + plotHeight - (tick / top) * plotHeight
    parts.push(
      `<line x1="${margin.left}" y1="${number(y)}" x2="${width - margin.right}" y2="${number(y)}" class="grid"/>`,
      `<text x="${margin.left - 6}" y="${number(y + 4)}" text-anchor="end" class="tick">${tick}</text>`
    )
  }
  return parts.join("")
}

const legend = (series: ReadonlyArray<Series>) =>
  series
    .map((entry, index) => {
      const x = margin.left + index * 120
      const y = height - 12
      return (
        `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${entry.colour}"/>` +
        `<text x="${x + 14}" y="${y}" class="legend">${escapeHtml(entry.name)}</text>`
      )
    })
    .join("")

const frame = (title: string, body: string) =>
  `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">` +
  `<title>${escapeHtml(title)}</title><text x="${margin.left}" y="16" class="caption">${escapeHtml(title)}</text>${body}</svg>`

/** One group of bars (one per series), labelled with each value. */
export const barChart = (title: string, bars: ReadonlyArray<Bar>): string => {
  const { top, step } = scaleOf(Math.max(0, ...bars.map((bar) => bar.value ?? 0)))
  const slot = plotWidth / Math.max(1, bars.length)
  const barWidth = Math.min(64, slot * 0.6)
  const baseline = margin.top + plotHeight
  const drawn = bars
    .map((bar, index) => {
      const x = margin.left + slot * index + (slot - barWidth) / 2
      const centre = number(x + barWidth / 2)
      if (bar.value === null) {
        return (
          `<rect x="${number(x)}" y="${margin.top}" width="${number(barWidth)}" height="${plotHeight}" fill="none" stroke="${bar.series.colour}" stroke-dasharray="4 3"/>` +
          `<text x="${centre}" y="${number(baseline - plotHeight / 2)}" text-anchor="middle" class="value">?</text>` +
          `<text x="${centre}" y="${baseline + 16}" text-anchor="middle" class="tick">${escapeHtml(bar.series.name)} (unknown)</text>`
        )
      }
      const barHeight = (bar.value / top) * plotHeight
      return (
        `<rect x="${number(x)}" y="${number(baseline - barHeight)}" width="${number(barWidth)}" height="${number(barHeight)}" fill="${bar.series.colour}"><title>${escapeHtml(`${bar.series.name}: ${bar.value}`)}</title></rect>` +
        `<text x="${centre}" y="${number(baseline - barHeight - 4)}" text-anchor="middle" class="value">${bar.value}</text>` +
        `<text x="${centre}" y="${baseline + 16}" text-anchor="middle" class="tick">${escapeHtml(bar.series.name)}</text>`
      )
    })
    .join("")
  return frame(title, `${yAxis(top, step)}${drawn}`)
}

export interface Line {
  readonly series: Series
  /** One value per day of `days` (same order); null where unknown (the line breaks). */
  readonly values: ReadonlyArray<number | null>
}

const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000)

/** Lines over `days` (`YYYY-MM-DD`, ascending), placed by date; a dot on every known point. */
export const lineChart = (title: string, days: ReadonlyArray<string>, lines: ReadonlyArray<Line>): string => {
  const known = lines.flatMap((line) => line.values.filter((value): value is number => value !== null))
  const { top, step } = scaleOf(Math.max(0, ...known))
  const first = dayNumber(days[0] ?? "1970-01-01")
  const span = Math.max(1, dayNumber(days[days.length - 1] ?? "1970-01-01") - first)
  const xOf = (day: string) =>
    days.length <= 1
      ? margin.left + plotWidth / 2
      : margin.left + ((dayNumber(day) - first) / span) * plotWidth
  const yOf = (value: number) => margin.top + plotHeight - (value / top) * plotHeight
  const drawn = lines
    .map((line) => {
      const points = days.flatMap((day, index) => {
        const value = line.values[index]
        return value === null || value === undefined ? [] : [{ x: xOf(day), y: yOf(value), day, value }]
      })
      const path =
        points.length < 2
          ? ""
          : `<polyline fill="none" stroke="${line.series.colour}" stroke-width="2" points="${points.map((point) => `${number(point.x)},${number(point.y)}`).join(" ")}"/>`
      const dots = points
        .map(
          (point) =>
            `<circle cx="${number(point.x)}" cy="${number(point.y)}" r="3" fill="${line.series.colour}"><title>${escapeHtml(`${line.series.name} on ${point.day}: ${point.value}`)}</title></circle>`
        )
        .join("")
      return `${path}${dots}`
    })
    .join("")
  const labelled = days.length <= 6 ? days : [days[0] ?? "", days[days.length - 1] ?? ""]
  const xLabels = labelled
    .map(
      (day) =>
        `<text x="${number(xOf(day))}" y="${margin.top + plotHeight + 16}" text-anchor="middle" class="tick">${escapeHtml(day)}</text>`
    )
    .join("")
  return frame(title, `${yAxis(top, step)}${xLabels}${drawn}${legend(lines.map((line) => line.series))}`)
}

/**
 * The Prometheus text exposition format, version 0.0.4: metric families (a `# HELP` and a `# TYPE` line, then
 * one line per sample) rendered from plain values. Pure; knows nothing of seatsync.
 */

/** The `Content-Type` of a scrape response in this format. */
export const contentType = "text/plain; version=0.0.4; charset=utf-8"

/** The types of the 0.0.4 format that seatsync uses (an "info" metric is a gauge named `…_info`). */
export type MetricType = "counter" | "gauge" | "histogram"

/** One line: `name{labels} value`; `suffix` is appended to the family name (`_bucket`, `_sum`, `_count`). */
export interface Sample {
  readonly suffix?: string
  readonly labels: ReadonlyArray<readonly [name: string, value: string]>
  readonly value: number
}

export interface MetricFamily {
  readonly name: string
  readonly help: string
  readonly type: MetricType
  readonly samples: ReadonlyArray<Sample>
}

/** A label value: backslash, double quote and line feed are escaped (`\\`, `\"`, `\n`). */
export const escapeLabelValue = (value: string): string =>
  value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")

/** A `# HELP` text: backslash and line feed are escaped; double quotes are not. */
export const escapeHelp = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")

/** A sample value as Go's `ParseFloat` reads it: `+Inf`, `-Inf`, `NaN` or a JavaScript number. */
export const formatValue = (value: number): string => {
  if (Number.isNaN(value)) return "NaN"
  if (value === Number.POSITIVE_INFINITY) return "+Inf"
  if (value === Number.NEGATIVE_INFINITY) return "-Inf"
  return String(value)
}

const renderLabels = (labels: Sample["labels"]): string =>
  labels.length === 0
    ? ""
    : `{${labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",")}}`

const renderSample = (family: MetricFamily, sample: Sample): string =>
  `${family.name}${sample.suffix ?? ""}${renderLabels(sample.labels)} ${formatValue(sample.value)}\n`

/** One family: its `# HELP` and `# TYPE` lines, then its samples in the order given. */
export const renderFamily = (family: MetricFamily): string =>
  `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n` +
  family.samples.map((sample) => renderSample(family, sample)).join("")

/** A whole scrape: every family in turn (each name must appear once). */
export const render = (families: ReadonlyArray<MetricFamily>): string => families.map(renderFamily).join("")

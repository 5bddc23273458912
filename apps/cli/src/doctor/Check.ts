/** One line of `seatsync doctor`: a named check, how it went, what was seen and, when it is not fine, the fix. */

/** `pass` ✓, `warn` ! (does not fail the doctor), `fail` ✗, `skip` - (could not be checked because of another). */
export type CheckStatus = "pass" | "warn" | "fail" | "skip"

export interface Check {
  readonly name: string
  readonly status: CheckStatus
  readonly detail: string
  /** What to do about it: set on every `fail`, and on a `warn` when there is something to do. */
  readonly fix?: string | undefined
}

/** The checks of one subject: the database, or one connection. */
export interface Section {
  readonly title: string
  readonly checks: ReadonlyArray<Check>
}

export const pass = (name: string, detail: string): Check => ({ name, status: "pass", detail })
export const warn = (name: string, detail: string, fix?: string): Check => ({
  name,
  status: "warn",
  detail,
  fix
})
export const fail = (name: string, detail: string, fix: string): Check => ({
  name,
  status: "fail",
  detail,
  fix
})
export const skip = (name: string, detail: string): Check => ({ name, status: "skip", detail })

/** Whether any check failed (warnings and skips do not fail the doctor; a skip always follows a failure). */
export const anyFailed = (sections: ReadonlyArray<Section>): boolean =>
  sections.some((section) => section.checks.some((check) => check.status === "fail"))

const symbols: Record<CheckStatus, string> = { pass: "✓", warn: "!", fail: "✗", skip: "-" }

const nameWidth = 18

/** The human report: a heading per section, one line per check, each fix indented under its line. */
export const renderText = (sections: ReadonlyArray<Section>): string =>
  sections
    .map((section) =>
      [
        section.title,
        ...section.checks.flatMap((check) => [
          `  ${symbols[check.status]} ${check.name.padEnd(nameWidth)} ${check.detail}`,
          ...(check.fix === undefined ? [] : [`      fix: ${check.fix}`])
        ])
      ].join("\n")
    )
    .join("\n\n")

/** The summary line after the sections. */
export const renderVerdict = (sections: ReadonlyArray<Section>): string => {
  const checks = sections.flatMap((section) => section.checks)
  const count = (status: CheckStatus) => checks.filter((check) => check.status === status).length
  const failed = count("fail")
  const warned = count("warn")
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`
  return failed === 0
    ? `No check failed: ${count("pass")} passed${warned === 0 ? "" : `, ${plural(warned, "warning")}`}.`
    : `${plural(failed, "check")} failed${warned === 0 ? "" : `, ${plural(warned, "warning")}`}: see the fixes above (exit code 11).`
}

/** The `--json` document. */
export const toJson = (sections: ReadonlyArray<Section>) => ({
  ok: !anyFailed(sections),
  sections: sections.map((section) => ({
    title: section.title,
    checks: section.checks.map((check) => ({
      name: check.name,
      status: check.status,
      detail: check.detail,
      ...(check.fix === undefined ? {} : { fix: check.fix })
    }))
  }))
})

/**
 * `--since`: where a report's period starts — a number of days back from the report's moment (`7d`, `90d`)
 * or a UTC calendar day (`2026-11-01`, from its midnight) — and the default, seven days.
 */
import { Effect, Option } from "effect"
import { UsageError } from "../UsageError.js"
import type { Selection } from "./Selection.js"

/** The period a report covers when `--since` is not given. */
export const defaultSinceDays = 7

/** The start of the period `text` names, counted back from `generatedAt`; or the reason it names none. */
export const parseSince = (
  text: string,
  generatedAt: Date
): { readonly since: Date } | { readonly error: string } => {
  const trimmed = text.trim()
  const days = /^(\d{1,5})d$/.exec(trimmed)
  if (days !== null) return { since: new Date(generatedAt.getTime() - Number(days[1]) * 86_400_000) }
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const day = new Date(`${trimmed}T00:00:00Z`)
    if (!Number.isNaN(day.getTime()) && day.toISOString().startsWith(trimmed)) {
      return day.getTime() > generatedAt.getTime()
        ? { error: `${trimmed} is in the future; give a day up to today` }
        : { since: day }
    }
  }
  return { error: `"${text}" is neither a number of days such as 7d or 90d nor a day such as 2026-11-01` }
}

/** The default period's start: seven days before `generatedAt`. */
export const defaultSince = (generatedAt: Date): Date =>
  new Date(generatedAt.getTime() - defaultSinceDays * 86_400_000)

/** The selection with its period's start from `--since` (absent: the default); a bad value is a usage error. */
export const withSince = (
  text: Option.Option<string>,
  selection: Selection
): Effect.Effect<Selection, UsageError> =>
  Option.match(text, {
    onNone: () => Effect.succeed({ ...selection, since: defaultSince(selection.generatedAt) }),
    onSome: (value) => {
      const parsed = parseSince(value, selection.generatedAt)
      return "error" in parsed
        ? Effect.fail(new UsageError({ field: "--since", reason: parsed.error }))
        : Effect.succeed({ ...selection, since: parsed.since })
    }
  })

/**
 * How a plan's wall time is written for a reader, the one format of `sync --plan`, `doctor`'s estimate and
 * the worker's schedule warning: whole seconds rounded up, then `42 s`, `4 min 2 s` or `2 h 5 min 3 s`.
 */

/** `seconds` (rounded up to a whole second) as `42 s`, `4 min 2 s` or `2 h 5 min 3 s`. */
export const formatWallTime = (seconds: number): string => {
  const whole = Math.max(0, Math.ceil(seconds))
  if (whole < 60) return `${whole} s`
  const hours = Math.floor(whole / 3600)
  const rest = `${Math.floor((whole % 3600) / 60)} min ${whole % 60} s`
  return hours > 0 ? `${hours} h ${rest}` : rest
}

/** The benchmark's command-line flags: `--name value`. */

/** The number after `--name`, or `fallback` when the flag is absent. */
export const argValue = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : Number(process.argv[index + 1])
}

/** The word after `--name`, or `fallback` when the flag is absent. */
export const argWord = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback)
}

/**
 * The console `seatsync` prints through: colour escape codes (which @effect/cli puts into `--help` and its
 * usage errors) reach a terminal only; a pipe, a file or `NO_COLOR=1` gets plain text.
 */
import { Console, type Effect } from "effect"

// ESC [ … m: the SGR sequences that set colours and weights.
const colourCodes = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g")

/** `text` without colour escape codes; anything that is not a string as it is. */
export const withoutColour = (value: unknown): unknown =>
  typeof value === "string" ? value.replace(colourCodes, "") : value

/** Whether a stream gets colour: a terminal, and `NO_COLOR` unset (https://no-color.org). */
const colourOn = (stream: { readonly isTTY?: boolean | undefined }): boolean =>
  stream.isTTY === true && (process.env.NO_COLOR ?? "") === ""

/** `base` with colour removed from `log` (stdout) and `error` (stderr) where that stream has no colour. */
export const plainConsole = (base: Console.Console): Console.Console => ({
  ...base,
  log: (...args) => (colourOn(process.stdout) ? base.log(...args) : base.log(...args.map(withoutColour))),
  error: (...args) =>
    colourOn(process.stderr) ? base.error(...args) : base.error(...args.map(withoutColour))
})

/** Runs `effect` with the plain console. */
export const withPlainConsole = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Console.consoleWith((base) => Console.withConsole(effect, plainConsole(base)))

/**
 * A block of lines redrawn in place on a terminal (ANSI cursor movement), at most ten times a second, and
 * left showing its last frame — with the cursor visible again — when its scope closes, whether the work
 * finished, failed or was interrupted by Ctrl-C.
 */
import { Clock, Effect, Exit, Ref, type Scope } from "effect"
import { terminalText } from "../TerminalText.js"

const csi = "\u001b["
const hideCursor = `${csi}?25l`
const showCursor = `${csi}?25h`
/** The last frame's last line when Ctrl-C (or SIGTERM) ended the work. */
export const interruptedLine = "  interrupted (Ctrl-C)"

/**
 * The characters that replace the previous frame (`previousLines` tall) with `lines`: move to the start of
 * the previous frame, write each line clearing its rest, clear whatever the old frame had below. Lines are
 * cut to the terminal's width so that none wraps and the next frame's upward move stays exact. The lines carry
 * data (connection and organisation names), so they pass through `terminalText` first: the only escape
 * sequences written are the display's own, and a cut can never split one.
 */
export const frame = (previousLines: number, lines: ReadonlyArray<string>, columns: number): string => {
  const up = previousLines > 0 ? `${csi}${previousLines}F` : ""
  const fit = (line: string) => {
    const characters = Array.from(terminalText(line))
    return characters.length < columns
      ? characters.join("")
      : `${characters.slice(0, Math.max(1, columns - 2)).join("")}…`
  }
  return `${up}${lines.map((line) => `${fit(line)}${csi}K\n`).join("")}${csi}J`
}

/** What a display needs of its terminal: `process.stderr` is one. */
export interface DisplayOutput {
  readonly columns?: number | undefined
  readonly write: (text: string) => unknown
}

export interface LiveDisplay<S> {
  /** Changes the state; the next redraw (within 100 ms) shows it. */
  readonly update: (f: (state: S) => S) => Effect.Effect<void>
}

export interface LiveDisplayOptions<S> {
  readonly initial: S
  readonly render: (state: S, elapsedMillis: number) => ReadonlyArray<string>
  /** Where frames go: a terminal's stream (stderr). */
  readonly output: DisplayOutput
  readonly intervalMillis?: number | undefined
}

/** Is `output` a terminal a live display can redraw (and not one that asked for plain output)? */
export const isLiveTerminal = (output: NodeJS.WriteStream): boolean =>
  output.isTTY === true && process.env.TERM !== "dumb"

export const liveDisplay = <S>(
  options: LiveDisplayOptions<S>
): Effect.Effect<LiveDisplay<S>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const state = yield* Ref.make(options.initial)
    const started = yield* Clock.currentTimeMillis
    let drawnLines = 0
    const draw = (closing: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        const lines = [
          ...options.render(yield* Ref.get(state), (yield* Clock.currentTimeMillis) - started),
          ...closing
        ]
        // A terminal that does not report its size (0 columns) gets the classic 80.
        const reported = options.output.columns ?? 0
        const columns = reported > 0 ? reported : 80
        const text = frame(drawnLines, lines, columns)
        drawnLines = lines.length
        yield* Effect.sync(() => void options.output.write(text))
      })
    // Registered before the redraw loop so that it runs after the loop is interrupted: the last frame stays.
    yield* Effect.acquireRelease(
      Effect.sync(() => void options.output.write(hideCursor)),
      (_, exit) =>
        draw(Exit.isInterrupted(exit) ? [interruptedLine] : []).pipe(
          Effect.zipRight(Effect.sync(() => void options.output.write(showCursor)))
        )
    )
    // The first frame now, then one per interval: never more often, however many updates arrive.
    yield* draw([])
    yield* Effect.sleep(`${options.intervalMillis ?? 100} millis`).pipe(
      Effect.zipRight(draw([])),
      Effect.forever,
      Effect.forkScoped
    )
    return { update: (f) => Ref.update(state, f) } satisfies LiveDisplay<S>
  })

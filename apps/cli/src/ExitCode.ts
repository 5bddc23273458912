/** The process exit code a command ends with, carried as a failure so finalizers still run first. */
import { ValidationError } from "@effect/cli"
import { Cause, Data, Exit, Option } from "effect"

export class ExitCode extends Data.TaggedError("ExitCode")<{ readonly code: number }> {}

/** Exit codes of `seatsync`, documented in the CLI README. */
export const ExitCodes = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  invalidApiKey: 3,
  forbidden: 4,
  orgNotFound: 5,
  atlassianUnavailable: 6,
  unexpectedResponse: 7,
  databaseUnavailable: 8,
  deletionGuard: 9,
  lockHeld: 10,
  /** `seatsync doctor`: at least one check failed (each is printed with its fix). */
  checkFailed: 11,
  interrupted: 130
} as const

/**
 * The one line an interrupted command prints (Ctrl-C or SIGTERM), after its finalizers ran: the work in
 * progress — a sync's run, a backfill's chunk — was rolled back and recorded as interrupted.
 */
export const interruptedSentence =
  "seatsync: interrupted (Ctrl-C or SIGTERM): the work in progress was stopped and changed nothing; a sync or backfill records its run as interrupted."

/**
 * `runMain` teardown: the code of an `ExitCode` failure, 2 for a command line @effect/cli rejected (it has
 * printed why), 130 for Ctrl-C or SIGTERM (saying so in one line), 1 for anything else.
 */
export const teardown = <E, A>(exit: Exit.Exit<E, A>, onExit: (code: number) => void) => {
  if (Exit.isSuccess(exit)) return onExit(ExitCodes.ok)
  if (Cause.isInterruptedOnly(exit.cause)) {
    process.stderr.write(`${interruptedSentence}\n`)
    return onExit(ExitCodes.interrupted)
  }
  const failure = Cause.failureOption(exit.cause)
  const code = Option.match(failure, {
    onNone: () => ExitCodes.unexpected,
    onSome: (error) =>
      error instanceof ExitCode
        ? error.code
        : ValidationError.isValidationError(error)
          ? ExitCodes.usage
          : ExitCodes.unexpected
  })
  onExit(code)
}

/**
 * The CLI's own usage error: an option, argument or environment variable the user got wrong. It names the
 * thing at fault and says how to put it right; it ends the command with exit code 2 (`ExitCodes.usage`).
 */
import { Data } from "effect"

export class UsageError extends Data.TaggedError("UsageError")<{
  /** The option, argument or variable at fault, as the user types it (`--org-id`, `connection`, `DATABASE_URL`). */
  readonly field: string
  /** What is wrong with it and what to do instead. */
  readonly reason: string
}> {
  override get message() {
    return `Invalid configuration for ${this.field}: ${this.reason}`
  }
}

/** The one way starting or stopping the simulator fails: bad options or a socket that cannot listen. */
import { Data } from "effect"

export class SimulatorError extends Data.TaggedError("SimulatorError")<{
  readonly reason: "InvalidOptions" | "ListenFailed"
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message() {
    return `Atlassian simulator: ${this.reason === "InvalidOptions" ? "invalid options" : "cannot listen"}: ${this.detail}`
  }
}

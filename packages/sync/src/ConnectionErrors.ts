/** How preparing a stored connection's run can fail before the pipeline starts, each with its remedy. */
import { Schema } from "effect"

/** No connection has that name (or id). */
export class ConnectionNotFound extends Schema.TaggedError<ConnectionNotFound>()("ConnectionNotFound", {
  /** The name (or `#id`) that was asked for. */
  connection: Schema.String
}) {
  override get message() {
    return `there is no connection called ${this.connection}; see \`seatsync connections list\``
  }
}

/**
 * The connection's API key is nowhere: not stored with it, and not in the environment variable that was to
 * provide it.
 */
export class ApiKeyMissing extends Schema.TaggedError<ApiKeyMissing>()("ApiKeyMissing", {
  connection: Schema.String,
  /** The environment variable that was read. */
  variable: Schema.String,
  /** Whether that variable was named explicitly (`--api-key-env`) rather than the default fallback. */
  explicit: Schema.Boolean
}) {
  override get message() {
    return this.explicit
      ? `set the environment variable ${this.variable} to the organisation API key (or name another variable with --api-key-env)`
      : `connection "${this.connection}" has no stored API key and ${this.variable} is not set; store one with \`seatsync connect ${this.connection} --update --api-key-stdin\` (or set ${this.variable})`
  }
}

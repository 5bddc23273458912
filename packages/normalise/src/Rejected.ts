/** A source record that could not be turned into a canonical record, with the reason — never dropped silently. */
import { Schema } from "effect"

export class Rejected extends Schema.Class<Rejected>("Rejected")({
  /** Which canonical entity the record was meant to become, e.g. `org_user`. */
  entity: Schema.String,
  /** The natural key when the record had one. */
  sourceKey: Schema.NullOr(Schema.String),
  reason: Schema.String,
  /** The offending source record, as received. */
  record: Schema.Unknown
}) {}

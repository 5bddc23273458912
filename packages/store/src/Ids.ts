/**
 * Branded identifiers of stored rows, so that a connection id is never passed where a run id belongs.
 */
import { Schema } from "effect"

/** `connection.id`. */
export const ConnectionId = Schema.Int.pipe(Schema.positive(), Schema.brand("@seatsync/store/ConnectionId"))
export type ConnectionId = typeof ConnectionId.Type

/** `sync_run.id` (a `bigserial`; ids stay far below 2^53). */
export const RunId = Schema.Int.pipe(Schema.positive(), Schema.brand("@seatsync/store/RunId"))
export type RunId = typeof RunId.Type

/** A run id as node-postgres returns a `bigint` column: a decimal string. */
export const RunIdFromString = Schema.compose(Schema.NumberFromString, RunId)

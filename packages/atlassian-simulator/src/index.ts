/**
 * `@seatsync/atlassian-simulator`: a local, seeded Atlassian organisation Admin API for tests, the demo and
 * benchmarks.
 */
export * as Cursor from "./Cursor.js"
export * as ErrorBodies from "./ErrorBodies.js"
export type { OperationResult, SimulatorRequest, SimulatorResponse } from "./Exchange.js"
export * as Fault from "./Fault.js"
export * as Handler from "./Handler.js"
export type * from "./Model.js"
export * as Operations from "./Operations.js"
export * as Organisation from "./Organisation.js"
export * as Prng from "./Prng.js"
export * as RateLimit from "./RateLimit.js"
export * as Simulator from "./Simulator.js"
export { SimulatorError } from "./SimulatorError.js"
export * as UserFilter from "./UserFilter.js"
export * as UserSearchRequest from "./UserSearchRequest.js"
export * as UserView from "./UserView.js"

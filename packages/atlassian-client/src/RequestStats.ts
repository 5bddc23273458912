/** Counters of what a client instance did on the wire, for the run ledger: calls, retries, 429s, sleep. */
import { Effect, Ref } from "effect"

export interface RequestStats {
  /** HTTP requests sent, including retries. */
  readonly apiCalls: number
  /** Retries scheduled after a retryable failure (429, 5xx, network). */
  readonly retries: number
  /** 429 answers received. */
  readonly rateLimited: number
  /** Total time spent waiting before retries, in milliseconds. */
  readonly sleptMillis: number
}

export const emptyStats: RequestStats = { apiCalls: 0, retries: 0, rateLimited: 0, sleptMillis: 0 }

export interface StatsRecorder {
  readonly get: Effect.Effect<RequestStats>
  readonly add: (delta: Partial<RequestStats>) => Effect.Effect<void>
}

export const makeStatsRecorder: Effect.Effect<StatsRecorder> = Effect.map(Ref.make(emptyStats), (ref) => ({
  get: Ref.get(ref),
  add: (delta) =>
    Ref.update(ref, (stats) => ({
      apiCalls: stats.apiCalls + (delta.apiCalls ?? 0),
      retries: stats.retries + (delta.retries ?? 0),
      rateLimited: stats.rateLimited + (delta.rateLimited ?? 0),
      sleptMillis: stats.sleptMillis + (delta.sleptMillis ?? 0)
    }))
}))

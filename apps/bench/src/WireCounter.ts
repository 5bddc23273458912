/**
 * A counting front for the simulator, in the simulator's process: forwards every request unchanged and
 * counts, from the server's side of the wire, the `/admin` answers and the 429s among them, so that the
 * benchmark does not have to take the client's own word for how often it was rate limited.
 * `GET /bench/counts` answers `WireCounts` as JSON and is not forwarded.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, type Scope } from "effect"

export interface WireCounts {
  /** `/admin` requests answered by the simulator. */
  readonly admin: number
  /** Of those, answered 429. */
  readonly rateLimited: number
  /** When the first and the last `/admin` answer started (epoch milliseconds; 0 before any). */
  readonly firstAnswerAt: number
  readonly lastAnswerAt: number
}

export const countsPath = "/bench/counts"

/** Listens on a free port of 127.0.0.1 in front of `upstreamBaseUrl`; returns the front's base URL. */
export const startWireCounter = (upstreamBaseUrl: string): Effect.Effect<string, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: Http.Server; agent: Http.Agent; baseUrl: string }, Error>((resume) => {
      const upstream = new URL(upstreamBaseUrl)
      const agent = new Http.Agent({ keepAlive: true })
      const counts = { admin: 0, rateLimited: 0, firstAnswerAt: 0, lastAnswerAt: 0 }
      const server = Http.createServer((req, res) => {
        const target = req.url ?? "/"
        if (req.method === "GET" && target === countsPath) {
          res.writeHead(200, { "Content-Type": "application/json" })
          res.end(JSON.stringify(counts satisfies WireCounts))
          return
        }
        const forwarded = Http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            path: target,
            method: req.method,
            headers: req.headers,
            agent
          },
          (answer) => {
            if (target.startsWith("/admin/")) {
              counts.admin += 1
              if (answer.statusCode === 429) counts.rateLimited += 1
              counts.lastAnswerAt = Date.now()
              if (counts.firstAnswerAt === 0) counts.firstAnswerAt = counts.lastAnswerAt
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          }
        )
        forwarded.on("error", () => res.destroy())
        req.pipe(forwarded)
      })
      server.once("error", (error) => resume(Effect.fail(error)))
      server.listen(0, "127.0.0.1", () => {
        const address: string | AddressInfo | null = server.address()
        if (address === null || typeof address === "string") {
          resume(Effect.fail(new Error("the counting front did not bind a TCP port")))
          return
        }
        resume(Effect.succeed({ server, agent, baseUrl: `http://127.0.0.1:${address.port}` }))
      })
    }),
    ({ server, agent }) =>
      Effect.sync(() => {
        server.closeAllConnections()
        server.close()
        agent.destroy()
      })
  ).pipe(Effect.map(({ baseUrl }) => baseUrl))

/** Starts `SimulatorProcess.js` as a child process, waits for its ready line, and kills it with the scope. */
import { spawn } from "node:child_process"
import path from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"

const here = path.dirname(fileURLToPath(import.meta.url))

export interface SimulatorHandle {
  readonly adminBaseUrl: string
  readonly orgId: string
  readonly apiKey: string
}

export interface SimulatorShape {
  readonly users: number
  readonly groups: number
  readonly groupsPerUser: number
  readonly products: number
  /** Delay before every response, in milliseconds. */
  readonly latencyMillis?: number
  /** An enforced limit of `limit` `/admin` requests per `windowSeconds`, answered 429 beyond it. */
  readonly rateLimit?: { readonly limit: number; readonly windowSeconds: number }
}

export const simulatorProcess = (shape: SimulatorShape) =>
  Effect.acquireRelease(
    Effect.async<{ handle: SimulatorHandle; kill: () => void }, Error>((resume) => {
      const child = spawn(
        process.execPath,
        [
          path.join(here, "SimulatorProcess.js"),
          String(shape.users),
          String(shape.groups),
          String(shape.groupsPerUser),
          String(shape.products),
          ...(shape.latencyMillis === undefined && shape.rateLimit === undefined
            ? []
            : [
                String(shape.latencyMillis ?? 0),
                String(shape.rateLimit?.limit ?? 0),
                String(shape.rateLimit?.windowSeconds ?? 60)
              ])
        ],
        { stdio: ["ignore", "pipe", "inherit"] }
      )
      createInterface({ input: child.stdout }).on("line", (line) => {
        const [word, adminBaseUrl, orgId, apiKey] = line.split(" ")
        if (word === "ready" && adminBaseUrl && orgId && apiKey) {
          resume(
            Effect.succeed({ handle: { adminBaseUrl, orgId, apiKey }, kill: () => child.kill("SIGKILL") })
          )
        }
      })
      child.on("exit", (code) => resume(Effect.fail(new Error(`the simulator exited early (${code})`))))
    }),
    ({ kill }) => Effect.sync(kill)
  ).pipe(Effect.map(({ handle }) => handle))

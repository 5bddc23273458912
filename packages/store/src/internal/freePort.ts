/**
 * Asks the kernel for a free TCP port on 127.0.0.1 by binding port 0.
 */
import * as net from "node:net"
import { Effect } from "effect"

export const freePort: Effect.Effect<number, Error> = Effect.async<number, Error>((resume) => {
  const server = net.createServer()
  server.unref()
  server.once("error", (error) => resume(Effect.fail(error)))
  server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => (port > 0 ? resume(Effect.succeed(port)) : resume(Effect.fail(new Error("no port")))))
  })
})

/**
 * The replay server, a process of its own: the organisation's answers recorded once to disk, then served
 * from memory at negligible cost per answer (a map lookup and a write: no generation), so that a sync
 * against it measures seatsync rather than the simulator.
 *
 * `ReplayProcess.js record <upstream origin> <file>`: a recording proxy — every request is forwarded to the
 * upstream (the simulator) and its answer appended to `<file>` (JSON lines) before it is returned.
 * `ReplayProcess.js serve <file>`: loads `<file>` and answers each request with the recorded answer to the
 * same method, path, query and body; a request never recorded is a 404 and is counted on stderr.
 * Both print `ready <origin>` on one line, then serve until killed.
 */
import { appendFileSync, createReadStream } from "node:fs"
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { createInterface } from "node:readline"

/** One recorded answer: the request's key, and the status, headers and body to send. */
interface Recorded {
  readonly key: string
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

/** A recorded answer as served: its body kept as bytes, outside V8's heap. */
interface Served {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Buffer
}

/** Headers of the upstream's answer that describe its transport, not its content: never replayed. */
const transportHeaders = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "date"])

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const parts: Array<Buffer> = []
    request.on("data", (part: Buffer) => parts.push(part))
    request.on("end", () => resolve(Buffer.concat(parts).toString("utf8")))
    request.on("error", reject)
  })

const keyOf = (method: string, url: string, body: string) => `${method} ${url} ${body}`

const [mode, first, second] = process.argv.slice(2)

const answers = new Map<string, Served>()
/** This server's origin, once it listens. */
let ownOrigin = ""
let missing = 0

/** Stands for the server's own origin in recorded answers (v1 `links` are absolute URLs). */
const originMark = "{{replay-origin}}"

/**
 * Loads the recording, its links pointing at `origin`: done once, so serving an answer is a lookup. Read
 * line by line: at 100k users the file (about 850 MB) is longer than the longest string V8 can hold.
 */
const load = async (file: string, origin: string) => {
  const lines = createInterface({
    input: createReadStream(file, "utf8"),
    crlfDelay: Number.POSITIVE_INFINITY
  })
  for await (const line of lines) {
    if (line === "") continue
    const recorded = JSON.parse(line.replaceAll(originMark, origin)) as Recorded
    answers.set(recorded.key, {
      status: recorded.status,
      headers: recorded.headers,
      body: Buffer.from(recorded.body, "utf8")
    })
  }
}

if (mode === "serve" && first !== undefined) {
  // loaded once the port is known
} else if (!(mode === "record" && first !== undefined && second !== undefined)) {
  process.stderr.write("usage: ReplayProcess.js record <upstream origin> <file> | serve <file>\n")
  process.exit(2)
}

const upstreamOrigin = first ?? ""

const record = async (key: string, request: IncomingMessage, body: string): Promise<Recorded> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === "string" && name !== "host" && !transportHeaders.has(name)) headers[name] = value
  }
  const upstream = await fetch(`${first}${request.url ?? "/"}`, {
    method: request.method ?? "GET",
    headers,
    ...(body === "" ? {} : { body }),
    redirect: "manual"
  })
  const recorded: Recorded = {
    key,
    status: upstream.status,
    headers: Object.fromEntries(
      [...upstream.headers.entries()]
        .filter(([name]) => !transportHeaders.has(name))
        .map(([name, value]) => [name, value.replaceAll(upstreamOrigin, originMark)])
    ),
    body: (await upstream.text()).replaceAll(upstreamOrigin, originMark)
  }
  const line = JSON.stringify(recorded)
  // Only answers worth replaying: a transient failure would be replayed for ever.
  if (recorded.status < 500 && recorded.status !== 429 && second !== undefined) {
    appendFileSync(second, `${line}\n`)
  }
  // The client follows links to this server, never straight to the upstream.
  return JSON.parse(line.replaceAll(originMark, ownOrigin)) as Recorded
}

const server = createServer((request, response) => {
  readBody(request)
    .then(async (body) => {
      const key = keyOf(request.method ?? "GET", request.url ?? "/", body)
      const answer = mode === "record" ? await record(key, request, body) : answers.get(key)
      if (answer === undefined) {
        missing += 1
        process.stderr.write(`replay: no recorded answer (${missing} so far) for ${key.slice(0, 200)}\n`)
        response.writeHead(404, { "content-type": "application/json" })
        response.end(JSON.stringify({ errors: [{ title: "not recorded" }] }))
        return
      }
      response.writeHead(answer.status, answer.headers)
      response.end(answer.body)
    })
    .catch((error: unknown) => {
      response.writeHead(502, { "content-type": "text/plain" })
      response.end(String(error))
    })
})

server.listen(0, "127.0.0.1", () => {
  ownOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const loaded = mode === "serve" && first !== undefined ? load(first, ownOrigin) : Promise.resolve()
  loaded.then(
    () => process.stdout.write(`ready ${ownOrigin}\n`),
    (error: unknown) => {
      process.stderr.write(`replay: cannot load ${first}: ${String(error)}\n`)
      process.exit(1)
    }
  )
})

/**
 * The replay source of `npm run bench -- --source replay`: the simulated organisation's answers recorded
 * once to disk (one sync through `ReplayProcess.js record`, in a throwaway database of its own, against the
 * simulator), then served by `ReplayProcess.js serve` from memory. The recording is kept under the temp
 * directory, keyed by the organisation's shape, and reused by later runs of the same shape.
 */
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { FetchHttpClient } from "@effect/platform"
import { AtlassianClient, unpaced } from "@seatsync/atlassian-client"
import { Connections, Database } from "@seatsync/store"
import { readOrgSize, runSync } from "@seatsync/sync"
import { Console, Effect, Layer, Redacted } from "effect"
import { type SimulatorHandle, type SimulatorShape, simulatorProcess } from "./SimulatorSpawn.js"

const here = path.dirname(fileURLToPath(import.meta.url))

/** Starts `ReplayProcess.js` with `args`; its origin once ready. Killed with the scope. */
const replayProcess = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.async<{ origin: string; kill: () => void }, Error>((resume) => {
      const child = spawn(process.execPath, [path.join(here, "ReplayProcess.js"), ...args], {
        stdio: ["ignore", "pipe", "inherit"]
      })
      createInterface({ input: child.stdout }).on("line", (line) => {
        const [word, origin] = line.split(" ")
        if (word === "ready" && origin) resume(Effect.succeed({ origin, kill: () => child.kill("SIGKILL") }))
      })
      child.on("exit", (code) => resume(Effect.fail(new Error(`the replay server exited early (${code})`))))
    }),
    ({ kill }) => Effect.sync(kill)
  ).pipe(Effect.map(({ origin }) => origin))

/** What a recording keeps besides the answers: where the API lived and how to authenticate. */
interface RecordingMeta {
  readonly adminPath: string
  readonly orgId: string
  readonly apiKey: string
}

const recordingFiles = (shape: SimulatorShape) => {
  const dir = path.join(tmpdir(), "seatsync-bench-replay")
  const name = `u${shape.users}-g${shape.groups}-gpu${shape.groupsPerUser}-p${shape.products}`
  return { dir, answers: path.join(dir, `${name}.jsonl`), meta: path.join(dir, `${name}.meta.json`) }
}

/** One full sync through the recording proxy, into a throwaway database, to record every answer. */
const record = (shape: SimulatorShape, files: ReturnType<typeof recordingFiles>) =>
  Effect.gen(function* () {
    yield* Console.error(`bench: recording the organisation's answers to ${files.answers} (once per shape)…`)
    const partial = `${files.answers}.partial`
    yield* Effect.promise(() => rm(partial, { force: true }))
    const simulator = yield* simulatorProcess(shape)
    const upstream = new URL(simulator.adminBaseUrl)
    const origin = yield* replayProcess(["record", upstream.origin, partial])
    const connection = yield* Connections.upsert({ name: "bench-record", orgId: simulator.orgId })
    const client = AtlassianClient.layer({
      apiKey: Redacted.make(simulator.apiKey),
      adminBaseUrl: `${origin}${upstream.pathname}`,
      pacing: unpaced
    }).pipe(Layer.provide(FetchHttpClient.layer))
    // The plan's counts first (users/count per product × role), so that the bench's estimate can be read
    // from the recording too; then the sync.
    yield* Effect.flatMap(AtlassianClient.AtlassianClient, (recording) =>
      readOrgSize(recording, simulator.orgId, { _tag: "Count" })
    ).pipe(Effect.provide(client))
    yield* runSync(connection, { trigger: "cli", batchSize: 5000 }).pipe(Effect.provide(client))
    const meta: RecordingMeta = {
      adminPath: upstream.pathname,
      orgId: simulator.orgId,
      apiKey: simulator.apiKey
    }
    yield* Effect.promise(async () => {
      await rename(partial, files.answers)
      await writeFile(files.meta, JSON.stringify(meta))
    })
  }).pipe(Effect.scoped, Effect.provide(Database.layerThrowaway))

/** The organisation of `shape` served from its recording (recorded first when there is none). */
export const replaySource = (shape: SimulatorShape) =>
  Effect.gen(function* () {
    const files = recordingFiles(shape)
    yield* Effect.promise(() => mkdir(files.dir, { recursive: true }))
    if (!existsSync(files.answers) || !existsSync(files.meta)) yield* record(shape, files)
    const meta = JSON.parse(yield* Effect.promise(() => readFile(files.meta, "utf8"))) as RecordingMeta
    const origin = yield* replayProcess(["serve", files.answers])
    return {
      adminBaseUrl: `${origin}${meta.adminPath}`,
      orgId: meta.orgId,
      apiKey: meta.apiKey
    } satisfies SimulatorHandle
  })

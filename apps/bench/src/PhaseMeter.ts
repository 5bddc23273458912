/**
 * Where a sync's memory and CPU go, phase by phase: the phase is named by the latest progress event (the
 * listing whose page was just staged, then the merge), and `process.memoryUsage()` is sampled every 20 ms
 * into that phase's peaks (RSS, V8 heap used, external and array buffers) while `process.cpuUsage()` and the
 * wall clock are charged to it. Users and groups are listed side by side, so their phases interleave: each
 * sample counts for the listing that staged a page last.
 */
import type { ProgressEvent } from "@seatsync/sync"
import { Effect } from "effect"

export interface PhaseFigures {
  readonly phase: string
  readonly wallSeconds: number
  readonly cpuSeconds: number
  readonly peakRssMb: number
  readonly peakHeapUsedMb: number
  readonly peakExternalMb: number
  readonly peakArrayBuffersMb: number
  /** Peak of the V8 heap right after a full collection (only when node runs with `--expose-gc`), else null. */
  readonly peakLiveHeapMb: number | null
}

interface Peaks {
  wallMillis: number
  cpuMicros: number
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
  liveHeap: number
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)

/** A meter for one sync: feed it the sync's progress events; read `figures()` when the sync is done. */
export const makePhaseMeter = () => {
  const phases = new Map<string, Peaks>()
  const order: Array<string> = []
  let current = "start"
  let lastWall = performance.now()
  let lastCpu = process.cpuUsage()
  let overall = 0

  const peaksOf = (phase: string): Peaks => {
    const known = phases.get(phase)
    if (known !== undefined) return known
    const fresh = {
      wallMillis: 0,
      cpuMicros: 0,
      rss: 0,
      heapUsed: 0,
      external: 0,
      arrayBuffers: 0,
      liveHeap: 0
    }
    phases.set(phase, fresh)
    order.push(phase)
    return fresh
  }

  const sample = () => {
    const peaks = peaksOf(current)
    const now = performance.now()
    const cpu = process.cpuUsage()
    peaks.wallMillis += now - lastWall
    peaks.cpuMicros += cpu.user - lastCpu.user + (cpu.system - lastCpu.system)
    lastWall = now
    lastCpu = cpu
    const memory = process.memoryUsage()
    peaks.rss = Math.max(peaks.rss, memory.rss)
    peaks.heapUsed = Math.max(peaks.heapUsed, memory.heapUsed)
    peaks.external = Math.max(peaks.external, memory.external)
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, memory.arrayBuffers)
    overall = Math.max(overall, memory.rss)
  }

  const enter = (phase: string) => {
    if (phase === current) return
    sample()
    current = phase
  }

  const timer = setInterval(sample, 20)
  // What is still reachable, not what the collector has yet to free: a full collection every second.
  const gc = (globalThis as { gc?: () => void }).gc
  const liveTimer =
    gc === undefined
      ? undefined
      : setInterval(() => {
          gc()
          const peaks = peaksOf(current)
          peaks.liveHeap = Math.max(peaks.liveHeap, process.memoryUsage().heapUsed)
        }, 1000)

  return {
    /** Moves the meter to the phase the event belongs to. */
    observe: (event: ProgressEvent): Effect.Effect<void> =>
      Effect.sync(() => {
        if (event._tag === "PageStaged") enter(event.source)
        else if (event._tag === "Merging") enter("merge")
      }),
    /** Stops sampling; the figures per phase, in the order the phases began, and the overall peak RSS. */
    stop: () => {
      sample()
      clearInterval(timer)
      clearInterval(liveTimer)
      return {
        peakRssBytes: overall,
        phases: order.map((phase): PhaseFigures => {
          const peaks = peaksOf(phase)
          return {
            phase,
            wallSeconds: Math.round(peaks.wallMillis) / 1000,
            cpuSeconds: Math.round(peaks.cpuMicros / 1000) / 1000,
            peakRssMb: mb(peaks.rss),
            peakHeapUsedMb: mb(peaks.heapUsed),
            peakExternalMb: mb(peaks.external),
            peakArrayBuffersMb: mb(peaks.arrayBuffers),
            peakLiveHeapMb: gc === undefined ? null : mb(peaks.liveHeap)
          }
        })
      }
    }
  }
}

/** A meter for one sync. */
export type PhaseMeter = ReturnType<typeof makePhaseMeter>

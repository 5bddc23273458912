/**
 * Process inspection for tests (Linux `/proc`): is a pid alive, which postgres processes have lost their data
 * directory (orphans), which processes are a postmaster's children.
 */
import * as fs from "node:fs"

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const processes = (): ReadonlyArray<{
  readonly pid: number
  readonly ppid: number
  readonly cmdline: string
}> =>
  fs.readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return []
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ")
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8")
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
      return [{ pid: Number(entry), ppid, cmdline }]
    } catch {
      return []
    }
  })

/** Postmasters started by seatsync's embedded PostgreSQL whose data directory no longer exists. */
export const orphanedPostmasters = (): ReadonlyArray<string> =>
  processes()
    .map(({ cmdline }) => /postgres -D (\S*seatsync-pg-\S+)/.exec(cmdline)?.[1])
    .filter((dir): dir is string => dir !== undefined && !fs.existsSync(dir))

/** The pids of a process's children (a postmaster's backends and auxiliary processes). */
export const childrenOf = (pid: number): ReadonlyArray<number> =>
  processes()
    .filter((process) => process.ppid === pid)
    .map((process) => process.pid)

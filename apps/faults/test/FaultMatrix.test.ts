/**
 * The fault matrix (docs/faults.md): the built `seatsync sync` against the simulator with one fault each,
 * on a copy of a synced cluster. Every case asserts the exit code and its one sentence, the run's recorded
 * status, that the live tables are exactly the baseline (a failed run changed nothing) or exactly the
 * reference (a run that succeeded despite the fault is complete), and full recovery on the next clean sync.
 * A worker replica killed mid-job is apps/worker/test/Replicas.test.ts.
 */
import type { Simulator } from "@seatsync/atlassian-simulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  dataDirOf,
  envFor,
  killPostgres,
  latestRun,
  runCli,
  sentences,
  spawnCli,
  storeState,
  syncArgs,
  waitFor
} from "./harness.js"
import {
  expectRecovery,
  expectUnchangedThenRecovered,
  faults,
  type Matrix,
  makeMatrix,
  requestCount
} from "./matrix.js"

const interruptedSentence =
  "seatsync: interrupted (Ctrl-C or SIGTERM): the work in progress was stopped and changed nothing; a sync or backfill records its run as interrupted."

describe.concurrent("the fault matrix", () => {
  let matrix: Matrix
  beforeAll(async () => {
    matrix = await makeMatrix({ seed: 13, usersBefore: 100, usersAfter: 130, latencyMillis: 20 })
  })
  afterAll(() => matrix?.close())

  /** Runs a sync of `after` on a fresh copy with `spec` active. */
  const faultyRun = async (label: string, spec: string, extraEnv: Record<string, string> = {}) => {
    const parent = await matrix.cluster(label)
    const after = await matrix.after(faults(spec))
    const result = await runCli(syncArgs(after), envFor(after, parent, extraEnv))
    return { parent, after, result }
  }

  /** A sync of `after` on a fresh copy, running in the background (with `spec` active). */
  const background = async (label: string, spec = "") => {
    const parent = await matrix.cluster(label)
    const after = await matrix.after(faults(spec))
    const child = spawnCli(syncArgs(after), envFor(after, parent))
    return { parent, after, child }
  }

  /** Resolves once `share` of a clean sync's requests reached `after`. */
  const requestsReached = (after: Simulator.RunningSimulator, share: number) =>
    waitFor(
      `${share * 100} % of the requests`,
      async () => (await requestCount(after)) >= matrix.requestsPerSync * share
    )

  /** A sync of `after` on a fresh copy, stopped once `share` of its requests were made. */
  const stoppedAt = async (label: string, share: number, signal: NodeJS.Signals) => {
    const { parent, after, child } = await background(label)
    await requestsReached(after, share)
    child.signal(signal)
    return { parent, after, result: await child.closed }
  }

  /** A killed process leaves its run `running`; the next run marks it interrupted, then succeeds. */
  const expectKilledThenRecovered = async (after: Simulator.RunningSimulator, parent: string) => {
    const state = await storeState(parent, "acme")
    if (state.runs[0] === "succeeded") {
      // The merge committed before the kill: then it is complete.
      expect(state.fingerprint).toEqual(matrix.reference.fingerprint)
    } else {
      expect(state.runs[0]).toBe("running")
      expect(state.fingerprint).toEqual(matrix.baseline.fingerprint)
    }
    await expectRecovery(matrix, after, parent)
    const recovered = await storeState(parent, "acme")
    if (state.runs[0] !== "succeeded")
      expect(recovered.runs.slice(0, 2)).toEqual(["succeeded", "interrupted"])
  }

  it.each([0.3, 0.7])(
    "SIGKILL at %s of the requests: no live row changed; the next sync recovers",
    async (share) => {
      const { parent, after, result } = await stoppedAt(`sigkill-${share}`, share, "SIGKILL")
      expect(result.signal).toBe("SIGKILL")
      await expectKilledThenRecovered(after, parent)
    }
  )

  it("SIGKILL in the merge: all or nothing; the next sync recovers", async () => {
    const { parent, after, child } = await background("sigkill-merge")
    await waitFor("the merge", () => child.output().stdout.includes("→ merging"))
    child.signal("SIGKILL")
    expect((await child.closed).signal).toBe("SIGKILL")
    await expectKilledThenRecovered(after, parent)
  })

  it("SIGTERM half-way: exit 130, one line saying so, run interrupted, nothing changed; recovers", async () => {
    const { parent, after, result } = await stoppedAt("sigterm", 0.5, "SIGTERM")
    expect(result.code, result.stderr).toBe(130)
    expect(sentences(result.stderr)).toEqual([interruptedSentence])
    await expectUnchangedThenRecovered(matrix, after, parent, "interrupted")
  })

  const expectDatabaseSentence = (result: { code: number | null; stderr: string }) => {
    expect(result.code, result.stderr).toBe(8)
    const lines = sentences(result.stderr)
    expect(lines, result.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(/^seatsync: Database problem: /)
    expect(result.stderr).not.toContain("Unexpected failure")
    expect(result.stderr).not.toMatch(/\n\s+at /)
  }

  it("PostgreSQL killed while fetching: exit 8 with the database's message; restarted, the next sync recovers", async () => {
    const { parent, after, child } = await background("pg-fetch")
    await requestsReached(after, 1 / 3)
    await killPostgres(dataDirOf(parent))
    expectDatabaseSentence(await child.closed)
    const state = await storeState(parent, "acme")
    // Its database gone, the run could not be recorded as failed; the next run marks it interrupted.
    expect(state.runs[0]).toBe("running")
    expect(state.fingerprint).toEqual(matrix.baseline.fingerprint)
    await expectRecovery(matrix, after, parent)
  })

  it("PostgreSQL killed in the merge: exit 8 with the database's message; restarted, the next sync recovers", async () => {
    const { parent, after, child } = await background("pg-merge")
    await waitFor("the merge", () => child.output().stdout.includes("→ merging"))
    await killPostgres(dataDirOf(parent))
    expectDatabaseSentence(await child.closed)
    const state = await storeState(parent, "acme")
    expect(state.runs[0]).toBe("running")
    expect(state.fingerprint).toEqual(matrix.baseline.fingerprint)
    await expectRecovery(matrix, after, parent)
  })

  it("a 429 storm (Retry-After 1 s, four answers running): retried, the run completes", async () => {
    const { parent, result } = await faultyRun(
      "429",
      "searchDirectoryUsers:status=429:calls=2-5:retryAfter=1"
    )
    expect(result.code, result.stderr).toBe(0)
    const state = await storeState(parent, "acme")
    expect(state.runs[0]).toBe("succeeded")
    expect(state.fingerprint).toEqual(matrix.reference.fingerprint)
  })

  it("a 5xx storm (503 on six answers running, every operation): retried, the run completes", async () => {
    const { parent, result } = await faultyRun("5xx", "*:status=503:calls=4-9")
    expect(result.code, result.stderr).toBe(0)
    const state = await storeState(parent, "acme")
    expect(state.runs[0]).toBe("succeeded")
    expect(state.fingerprint).toEqual(matrix.reference.fingerprint)
  })

  it("the key revoked mid-run: exit 3, run failed, nothing changed; the next sync recovers", async () => {
    const { parent, after, result } = await faultyRun("revoked", "*:revoke:from=8")
    expect(result.code, result.stderr).toBe(3)
    expect(sentences(result.stderr)).toHaveLength(1)
    await expectUnchangedThenRecovered(matrix, after, parent, "failed")
  })

  it("truncated JSON: exit 7, run failed, nothing changed; the next sync recovers", async () => {
    const { parent, after, result } = await faultyRun("truncated", "searchDirectoryUsers:truncated:nth=2")
    expect(result.code, result.stderr).toBe(7)
    expect(sentences(result.stderr)).toHaveLength(1)
    await expectUnchangedThenRecovered(matrix, after, parent, "failed")
  })

  it("a redirect (302 to another host): not followed, exit 7, nothing changed; the next sync recovers", async () => {
    const { parent, after, result } = await faultyRun(
      "redirect",
      "searchDirectoryUsers:redirect=302:to=http%3A//127.0.0.1%3A9/elsewhere:nth=2"
    )
    expect(result.code, result.stderr).toBe(7)
    expect(sentences(result.stderr)).toHaveLength(1)
    await expectUnchangedThenRecovered(matrix, after, parent, "failed")
  })

  it("a stalled answer: given up after the request timeout and retried, the run completes", async () => {
    const { parent, result } = await faultyRun("stall", "searchDirectoryUsers:stall:nth=2", {
      SEATSYNC_REQUEST_TIMEOUT: "2"
    })
    expect(result.code, result.stderr).toBe(0)
    const state = await storeState(parent, "acme")
    expect(state.runs[0]).toBe("succeeded")
    expect(state.fingerprint).toEqual(matrix.reference.fingerprint)
  })

  it("a page repeated under a new cursor: no user who still exists is soft-deleted; the next sync recovers", async () => {
    const { parent, after, result } = await faultyRun("repeated-page", "searchDirectoryUsers:repeated:nth=2")
    const state = await storeState(parent, "acme")
    if (result.code === 0) {
      // Accepted with the drift recorded: every user that exists is still live.
      expect(state.liveUsers).toBeGreaterThanOrEqual(matrix.baseline.liveUsers)
    } else {
      expect(result.code, result.stderr).toBe(7)
      expect(state.fingerprint).toEqual(matrix.baseline.fingerprint)
    }
    await expectRecovery(matrix, after, parent)
  })

  it("a repeated cursor (the second users page answers its own cursor as the next): exit 7, run failed, nothing changed; the next sync recovers", async () => {
    const { parent, after, result } = await faultyRun(
      "repeated-cursor",
      "searchDirectoryUsers:repeatedcursor:nth=2"
    )
    expect(result.code, result.stderr).toBe(7)
    const lines = sentences(result.stderr)
    expect(lines, result.stderr).toHaveLength(1)
    expect(result.stderr).not.toContain("Unexpected failure")
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(lines[0]).toMatch(
      /returned a cursor it had already returned \(page 2\); stopped instead of looping\. Nothing was changed in the database/
    )
    const run = await latestRun(parent, "acme")
    expect(run).toMatchObject({ status: "failed", errorTag: "RepeatedCursor" })
    await expectUnchangedThenRecovered(matrix, after, parent, "failed")
  })

  it("hidden records (the first users page hides 3 the counts include): the run succeeds, records the drift, keeps the unseen rows and says so; the next sync recovers", async () => {
    const { parent, after, result } = await faultyRun("hidden", "searchDirectoryUsers:hide=3:nth=1")
    expect(result.code, result.stderr).toBe(0)
    const expected = matrix.reference.liveUsers
    // The summary says what was expected, listed and stored, and that the unseen rows were kept.
    expect(result.stdout).toContain(
      `users ${expected} expected, ${expected - 3} listed, ${expected - 3} stored (DRIFT)`
    )
    expect(result.stdout).toContain(
      "⚠ the listings disagree with the organisation's counts beyond the tolerance: users, memberships, product roles not seen this run were kept, not removed"
    )
    // The run ledger records the drift and what was kept.
    const run = await latestRun(parent, "acme")
    expect(run.status).toBe("succeeded")
    expect(run.reconciliation?.entities.org_user).toEqual({
      expectedBefore: expected,
      expectedAfter: expected,
      listed: expected - 3,
      stored: expected - 3,
      tolerance: 0,
      drift: true
    })
    expect(run.reconciliation?.kept).toEqual([
      { entity: "org_user", reason: "drift" },
      { entity: "group_membership", reason: "drift" },
      { entity: "product_role", reason: "drift" }
    ])
    // Nobody was soft-deleted: the three hidden users (listed by the baseline) are still live.
    const state = await storeState(parent, "acme")
    expect(state.liveUsers).toBe(expected)
    await expectRecovery(matrix, after, parent)
  })

  it("one wrong-typed record: quarantined, the run completes; the next sync recovers", async () => {
    const { parent, after, result } = await faultyRun("wrong-typed", "searchDirectoryUsers:wrongtyped:nth=2")
    expect(result.code, result.stderr).toBe(0)
    const state = await storeState(parent, "acme")
    expect(state.runs[0]).toBe("succeeded")
    expect(state.liveUsers).toBeGreaterThanOrEqual(matrix.reference.liveUsers - 1)
    await expectRecovery(matrix, after, parent)
  })

  it("a shrinking organisation (40 % of users gone): exit 9, nothing changed; --force applies it", async () => {
    const parent = await matrix.cluster("shrinking")
    const refused = await runCli(syncArgs(matrix.smaller), envFor(matrix.smaller, parent))
    expect(refused.code, refused.stderr).toBe(9)
    expect(sentences(refused.stderr)).toHaveLength(1)
    const kept = await storeState(parent, "acme")
    expect(kept.runs[0]).toBe("failed")
    expect(kept.fingerprint).toEqual(matrix.baseline.fingerprint)

    const forced = await runCli(syncArgs(matrix.smaller, "--force"), envFor(matrix.smaller, parent))
    expect(forced.code, forced.stderr).toBe(0)
    const applied = await storeState(parent, "acme")
    expect(applied.runs[0]).toBe("succeeded")
    expect(applied.liveUsers).toBe(Math.round(matrix.baseline.liveUsers * 0.6))
    // And back: the users return (restored), the reference is reached.
    await expectRecovery(matrix, await matrix.after(), parent)
  })

  it("two runs of one connection at once: one exits 10 (LockHeld) changing nothing, the other completes", async () => {
    const { parent, after, child: first } = await background("concurrent", "*:latency=1000")
    await waitFor("the first run to start", () => first.output().stdout.includes("started"))
    const second = await runCli(syncArgs(after), envFor(after, parent))
    expect(second.code, second.stderr).toBe(10)
    expect(sentences(second.stderr)).toHaveLength(1)
    expect((await first.closed).code).toBe(0)
    const state = await storeState(parent, "acme")
    expect(state.runs[0]).toBe("succeeded")
    expect(state.fingerprint).toEqual(matrix.reference.fingerprint)
  })
})

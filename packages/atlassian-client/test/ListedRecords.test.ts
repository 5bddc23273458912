import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Stream } from "effect"
import { Fault, withClient } from "./support.js"

describe("listings decoded record by record", () => {
  it.scoped("a wrong-typed record is an InvalidRecord with its path; the page and the walk go on", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({
        users: 250,
        faults: [Fault.wrongTypedRecord("searchDirectoryUsers", { calls: { nth: 2 }, index: 5 })]
      })
      const pages = yield* client.userRecords(simulator.orgId).pipe(Stream.chunks, Stream.runCollect)
      const records = Chunk.toReadonlyArray(pages).map((page) => Chunk.toReadonlyArray(page))
      expect(records.map((page) => page.length)).toEqual([100, 100, 50])
      const invalid = records.flat().filter(Either.isLeft)
      expect(invalid).toHaveLength(1)
      const [bad] = invalid
      expect(bad?.left).toMatchObject({
        _tag: "InvalidRecord",
        endpoint: "POST /v2/orgs/{orgId}/directories/{directoryId}/users/search",
        path: "accountId",
        record: expect.objectContaining({ accountId: 12345 })
      })
      expect(records[1]?.[5]).toBe(bad)
      // The strict listing still refuses the page as a whole.
      yield* simulator.setFaults([Fault.wrongTypedRecord("searchDirectoryUsers")])
      const error = yield* Effect.flip(client.users(simulator.orgId).pipe(Stream.runDrain))
      expect(error._tag).toBe("UnexpectedResponse")
    })
  )

  it.scoped("groups and workspaces are decoded record by record too", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({
        users: 30,
        faults: [
          Fault.wrongTypedRecord("searchDirectoryGroups", { value: false }),
          Fault.wrongTypedRecord("queryWorkspacesV2", { field: "attributes", value: "none" })
        ]
      })
      const groups = Chunk.toReadonlyArray(yield* Stream.runCollect(client.groupRecords(simulator.orgId)))
      expect(groups.filter(Either.isLeft).map((record) => record.left.path)).toEqual(["id"])
      expect(groups.filter(Either.isRight).length).toBeGreaterThan(0)
      const workspaces = Chunk.toReadonlyArray(
        yield* Stream.runCollect(client.workspaceRecords(simulator.orgId))
      )
      expect(workspaces.filter(Either.isLeft).map((record) => record.left.path)).toEqual(["attributes"])
    })
  )

  it.scoped("a page that is not a page still fails the listing", () =>
    Effect.gen(function* () {
      const { simulator, client } = yield* withClient({
        users: 5,
        faults: [Fault.truncatedJson("searchDirectoryUsers")]
      })
      const error = yield* Effect.flip(client.userRecords(simulator.orgId).pipe(Stream.runDrain))
      expect(error._tag).toBe("UnexpectedResponse")
    })
  )
})

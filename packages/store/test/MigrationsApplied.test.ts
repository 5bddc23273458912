import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Database from "../src/Database.js"
import * as Migrations from "../src/Migrations.js"

it.layer(Database.layerThrowaway, { timeout: "120 seconds" })("Migrations.applied", (it) => {
  it.effect(
    "lists every migration the database has applied, oldest first, as the migrate command shows them",
    () =>
      Effect.gen(function* () {
        const applied = yield* Migrations.applied
        expect(applied).toEqual([
          { id: 1, name: "initial" },
          { id: 2, name: "org_model" },
          { id: 3, name: "operations" },
          { id: 4, name: "key_expiry" },
          { id: 5, name: "reconciliation" },
          { id: 6, name: "spend" },
          { id: 7, name: "seat_verdict_exact_days" },
          { id: 8, name: "reclaim_reasons" },
          { id: 9, name: "seat_removal" },
          { id: 10, name: "guard_seats" }
        ])
        // The same ids `status` and the migration record use.
        expect(applied.map((row) => `${String(row.id).padStart(4, "0")}_${row.name}`)).toEqual(
          Object.keys(Migrations.migrations)
        )
      })
  )
})

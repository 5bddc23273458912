import { expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect } from "effect"
import { config } from "../src/ops/OpsServer.js"

const read = (env: Record<string, string>) =>
  config.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))), Effect.either)

it.effect("listens on 9464 with a 2-second check timeout by default", () =>
  Effect.gen(function* () {
    const options = yield* read({})
    expect(options._tag === "Right" && options.right.port).toBe(9464)
    expect(options._tag === "Right" && Duration.toMillis(options.right.checkTimeout)).toBe(2000)
  })
)

it.effect("takes SEATSYNC_WORKER_PORT (0: any free port) and SEATSYNC_WORKER_CHECK_TIMEOUT", () =>
  Effect.gen(function* () {
    const options = yield* read({ SEATSYNC_WORKER_PORT: "0", SEATSYNC_WORKER_CHECK_TIMEOUT: "500 millis" })
    expect(options._tag === "Right" && options.right.port).toBe(0)
    expect(options._tag === "Right" && Duration.toMillis(options.right.checkTimeout)).toBe(500)
  })
)

it.effect("rejects a port outside 0–65535, naming the variable and the range", () =>
  Effect.gen(function* () {
    const options = yield* read({ SEATSYNC_WORKER_PORT: "70000" })
    expect(options._tag).toBe("Left")
    expect(String(options._tag === "Left" ? options.left : "")).toContain(
      "SEATSYNC_WORKER_PORT must be a TCP port between 0 and 65535 (0: any free port)"
    )
  })
)

it.effect("rejects a check timeout of zero", () =>
  Effect.gen(function* () {
    const options = yield* read({ SEATSYNC_WORKER_CHECK_TIMEOUT: "0 seconds" })
    expect(String(options._tag === "Left" ? options.left : "")).toContain(
      "SEATSYNC_WORKER_CHECK_TIMEOUT must be a positive duration"
    )
  })
)

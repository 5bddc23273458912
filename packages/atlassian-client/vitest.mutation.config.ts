import { defineConfig } from "vitest/config"

// `npm run mutation`: the tests of the retry policy, the endpoint table and the read-only guard (fast,
// in-process), not the client's end-to-end suites.
export default defineConfig({
  test: {
    include: ["test/RetryPolicy.test.ts", "test/ReadOnlyGuard.test.ts", "test/Endpoints.test.ts"]
  }
})

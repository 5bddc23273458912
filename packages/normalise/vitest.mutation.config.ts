import { defineConfig } from "vitest/config"

// `npm run mutation`: every test of this package is pure and fast, so Stryker runs them all.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"]
  }
})

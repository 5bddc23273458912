import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The process tests start several workers and PostgreSQL and measure a takeover bound: one file at a time
    // keeps them within their timeouts on a two-core machine.
    fileParallelism: false
  }
})

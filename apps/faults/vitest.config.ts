import { defineConfig } from "vitest/config"

// Each case runs the CLI and its embedded PostgreSQL as subprocesses: one file at a time on two cores.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    // Cases of one file run side by side (each has its own simulator and cluster), three at a time.
    maxConcurrency: 3,
    testTimeout: 600_000,
    hookTimeout: 240_000
  }
})

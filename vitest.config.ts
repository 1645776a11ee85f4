import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    // Corpus suites each hold a whole tree's facts; two at a time fit comfortably in memory.
    maxWorkers: 2,
  },
});

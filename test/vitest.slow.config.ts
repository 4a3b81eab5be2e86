import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:slow`: the suites that take long by design, kept out of `npm test` (vitest.config.ts
 * excludes them; paths are relative to the project root): the 10,000-call load run, the tarball installed into a fresh project, and the
 * type-check cost against bare openapi-fetch.
 */
export const slowTests = ["test/reliability/load.test.ts", "test/package/**/*.test.ts", "test/unit/types-cost.test.ts"];

export default defineConfig({
  test: {
    include: slowTests,
    // The tarball install mostly waits on npm and tsc runs in its own files: run the files side by side.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});

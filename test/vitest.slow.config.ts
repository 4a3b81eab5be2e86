import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:slow`: the suites that take long by design, kept out of `npm test` (vitest.config.ts
 * excludes them; paths are relative to the project root): the 10,000-call load run, the tarball installed into a fresh project, the
 * type-check cost against bare openapi-fetch, and the event stores on real Redis and PostgreSQL servers (test/support/*-server.ts).
 */
export const slowTests = [
  "test/reliability/load.test.ts",
  "test/package/**/*.test.ts",
  "test/unit/types-cost.test.ts",
  // Real Redis and PostgreSQL servers, and receivers in several processes.
  "test/stores/redis.test.ts",
  "test/stores/postgres.test.ts",
  "test/stores/multi-process.test.ts",
  "test/stores/redis-token-cache.test.ts",
  // A Next.js app built and started around the route handlers.
  "test/adapters/next-server.test.ts",
];

export default defineConfig({
  test: {
    include: slowTests,
    // The tarball install mostly waits on npm and tsc runs in its own files: run the files side by side.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});

import { defineConfig } from "vitest/config";

/**
 * `npm run test:runtimes`: the smoke suite of the public API on every runtime of the matrix, the
 * runtimes guide's Bun.serve, Deno.serve and Workers receivers, and the fast suite on Node.js 22 and 24. The runtimes
 * are installed by the global setup into node_modules/.cache (test/runtimes/install.ts).
 */
export default defineConfig({
  test: {
    include: ["test/runtimes/**/*.test.ts"],
    globalSetup: ["test/runtimes/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

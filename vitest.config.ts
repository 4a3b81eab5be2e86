import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";
import { slowTests } from "./test/vitest.slow.config.ts";

/** `npm test`: the fast suite. The slow suites run in `npm run test:slow` (test/vitest.slow.config.ts). */
export default defineConfig({
  test: {
    include: [
      "test/unit/**/*.test.ts",
      "test/contract/**/*.test.ts",
      "test/reliability/**/*.test.ts",
      "test/package/**/*.test.ts",
      "test/spec/**/*.test.ts",
      "test/adapters/**/*.test.ts",
      "test/stores/**/*.test.ts",
      "test/simulator/**/*.test.ts",
    ],
    exclude: [...configDefaults.exclude, ...slowTests],
    globalSetup: ["test/setup/prism.ts"],
    // Most files wait on sockets and servers, not on the CPU: vitest's default (cores − 1 workers) runs
    // them one after another on a 2-core machine, which doubles the wall time.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});

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
    ],
    exclude: [...configDefaults.exclude, ...slowTests],
    globalSetup: ["test/setup/prism.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "test/unit/**/*.test.ts",
      "test/contract/**/*.test.ts",
      "test/reliability/**/*.test.ts",
      "test/package/**/*.test.ts",
      "test/simulator/**/*.test.ts",
    ],
    globalSetup: ["test/setup/prism.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from "vitest/config";

/** `npm run test:docs`: the rendered docs in headless Chromium (kept out of the default `vitest run`). */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

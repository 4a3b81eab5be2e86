/**
 * The fast suite (`vitest run`, as `npm test` runs it) on Node.js 22 and 24, one after the other: that
 * Node.js binary runs vitest and its workers, and comes first on PATH for anything the tests spawn.
 */
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/paths.ts";
import { binaries, RUNTIME_PACKAGES } from "./install.ts";
import { runToEnd } from "./run.ts";

/** This process's environment without vitest's own variables (the inner vitest sets its own). */
function cleanEnvironment(node: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith("VITEST") && name !== "TEST") env[name] = value;
  }
  env.PATH = `${dirname(node)}:${process.env.PATH ?? ""}`;
  return env;
}

describe.each([
  ["node22", binaries.node22],
  ["node24", binaries.node24],
])("the fast suite on %s", (name, node) => {
  it(`passes on Node.js ${RUNTIME_PACKAGES[name]?.replace(/^.*@/, "")}`, { timeout: 360_000 }, async () => {
    const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
    const finished = await runToEnd([node, vitest, "run"], { timeoutMs: 300_000, env: cleanEnvironment(node) });
    const summary = finished.output.match(/Tests\s+.*\(\d+\)/)?.[0] ?? "no summary";
    expect(finished.code, `${summary}\n${finished.output.slice(-6_000)}`).toBe(0);
    console.log(`${name}: ${summary.replace(/\s+/g, " ")}`);
  });
});

/**
 * The README's TypeScript examples exist where users look for them (test/unit/docs-typecheck.test.ts
 * type-checks every block).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/paths.ts";

const TS_BLOCK = /```ts\n([\s\S]*?)```/g;
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The ```ts blocks of one `## ` section. */
function sectionBlocks(title: string): string[] {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `a "## ${title}" section`).toBeGreaterThan(-1);
  const end = readme.indexOf("\n## ", start + 1);
  return [...readme.slice(start, end === -1 ? undefined : end).matchAll(TS_BLOCK)].map((m) => m[1]!);
}

describe("README", () => {
  it("shows TypeScript examples, three of them for event callbacks", () => {
    expect([...readme.matchAll(TS_BLOCK)].length).toBeGreaterThan(5);
    expect(sectionBlocks("Event callbacks").length).toBeGreaterThanOrEqual(3);
  });
});

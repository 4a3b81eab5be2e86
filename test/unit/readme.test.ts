/**
 * Every ```ts block of the README compiles against the package's sources, as a user would write it
 * (`import … from "instacart-connect"`), each as its own module, in one in-memory program.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/paths.ts";
import { typeCheck } from "../support/typecheck.ts";

const TS_BLOCK = /```ts\n([\s\S]*?)```/g;
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(TS_BLOCK)].map((m) => m[1]!);

/** The ```ts blocks of one `## ` section. */
function sectionBlocks(title: string): string[] {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf("\n## ", start + 1);
  return [...readme.slice(start, end === -1 ? undefined : end).matchAll(TS_BLOCK)].map((m) => m[1]!);
}

describe("README", () => {
  it("has TypeScript examples", () => {
    expect(blocks.length).toBeGreaterThan(5);
    expect(sectionBlocks("Event callbacks").length).toBeGreaterThanOrEqual(3);
  });

  it("type-checks every ts code block against the package", () => {
    const dir = join(root, "test", "unit", "__readme__");
    const files = new Map(blocks.map((code, i) => [join(dir, `block-${i + 1}.ts`), `${code}\nexport {};\n`]));
    expect(typeCheck(files).errors).toEqual([]);
  }, 120_000); // a whole-program type-check: seconds on a busy machine
});

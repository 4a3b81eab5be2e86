/**
 * The TypeScript a reader copies compiles against this package's own types: every ```ts block of the
 * README (and of the guides in docs/, when there are any) and every operation's TypeScript request
 * sample of the rendered docs. One in-memory program for all of them (a type-check of src/ and the
 * generated types costs seconds), with `instacart-connect` pointing at src/index.ts.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codeSamples } from "../../scripts/lib/code-samples.ts";
import { bundledSpec, root } from "../../scripts/lib/paths.ts";
import { listOperations, type OpenApiDocument } from "../../scripts/lib/spec.ts";
import { typeCheck } from "../support/typecheck.ts";

const TS_BLOCK = /```ts\n([\s\S]*?)```/g;
/** Virtual files live below the project, so Node's ESM rules (package.json "type": "module") apply. */
const dir = join(root, "test", "unit", "__docs__");

/** The README and the guides in docs/ (Markdown), relative to the root. */
function markdownFiles(): string[] {
  const guides = existsSync(join(root, "docs")) ? readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")) : [];
  return ["README.md", ...guides.map((name) => `docs/${name}`)];
}

/** Each ```ts block as its own module: `<file>-<n>.ts` → source. */
function markdownBlocks(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of markdownFiles()) {
    const blocks = [...readFileSync(join(root, name), "utf8").matchAll(TS_BLOCK)].map((match) => match[1]!);
    for (const [i, code] of blocks.entries()) files.set(join(dir, `${name.replace(/\W/g, "_")}-${i + 1}.ts`), `${code}\nexport {};\n`);
  }
  return files;
}

/** Each operation's TypeScript sample: `<operationId>.ts` → source. */
function sampleFiles(spec: OpenApiDocument): Map<string, string> {
  const files = new Map<string, string>();
  for (const operation of listOperations(spec)) {
    const typescript = codeSamples(spec, operation).find(({ lang }) => lang === "TypeScript");
    if (!typescript) throw new Error(`no TypeScript sample for ${operation.method} ${operation.path}`);
    files.set(join(dir, `${operation.operation.operationId ?? files.size}.ts`), `${typescript.source}\nexport {};\n`);
  }
  return files;
}

describe("TypeScript in the docs", () => {
  it("type-checks: the README's blocks, the guides' blocks and every operation's request sample (and a broken sample does not)", () => {
    const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
    const samples = sampleFiles(spec);
    const blocks = markdownBlocks();
    expect(samples.size).toBe(listOperations(spec).length);
    expect(blocks.size).toBeGreaterThan(5);
    // A copy of the first sample with a path the typed client does not know must fail to compile.
    const [, first] = [...samples][0]!;
    const broken = first.replace(/await (\w+)\.(GET|PUT|POST|DELETE|PATCH)\("/, 'await $1.$2("/v2/not-a-path');
    expect(broken).not.toBe(first);
    const errors = typeCheck(new Map([...blocks, ...samples, [join(dir, "__broken__.ts"), broken]]), dir).errors;
    expect(errors.filter((line) => !line.startsWith("__broken__.ts"))).toEqual([]);
    expect(errors.filter((line) => line.startsWith("__broken__.ts")).length).toBeGreaterThan(0);
  }, 90_000); // a whole-program type-check: CPU-bound, seconds on a busy machine
});

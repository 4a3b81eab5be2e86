/**
 * The TypeScript a reader copies compiles against this package's own types: every ```ts block of the
 * README, of each guide in docs/ and of the rendered docs' introduction (openapi/introduction.md), and
 * every operation's TypeScript request sample of the rendered docs. One in-memory program for all of
 * them (a type-check of src/ and the generated types costs seconds), with `instacart-connect` pointing
 * at src/index.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codeSamples } from "../../scripts/lib/code-samples.ts";
import { bundledSpec, root } from "../../scripts/lib/paths.ts";
import { listOperations, type OpenApiDocument } from "../../scripts/lib/spec.ts";
import { codeBlocks, guideFiles, readMarkdown, userMarkdownFiles } from "../support/markdown.ts";
import { typeCheck } from "../support/typecheck.ts";

/** Virtual files live below the project, so Node's ESM rules (package.json "type": "module") apply. */
const dir = join(root, "test", "unit", "__docs__");
const markdownFiles = [...userMarkdownFiles(), "openapi/introduction.md"];

/** The virtual module of a Markdown file's n-th ```ts block (1-based). */
function blockFile(markdownFile: string, n: number): string {
  return join(dir, `${markdownFile.replace(/\W/g, "_")}-${n}.ts`);
}

/** Each ```ts block as its own module: `<file>-<n>.ts` → source. */
function markdownBlocks(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of markdownFiles) {
    for (const [i, code] of codeBlocks(readMarkdown(name), "ts").entries()) files.set(blockFile(name, i + 1), `${code}\nexport {};\n`);
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

/** A copy of a block with a path the typed client does not know: it must fail to compile. */
function broken(code: string): string {
  const out = code.replace(/\.(GET|PUT|POST|DELETE|PATCH)\("\/v2\//, '.$1("/v2/not-a-path/');
  expect(out, "a block with a typed call to break").not.toBe(code);
  return out;
}

describe("TypeScript in the docs", () => {
  it("finds a ```ts block in the README, in every guide of docs/ and in the introduction", () => {
    const blocks = markdownBlocks();
    expect(guideFiles().length).toBeGreaterThan(5);
    for (const name of markdownFiles) expect(blocks.has(blockFile(name, 1)), `${name} has a \`\`\`ts block`).toBe(true);
  });

  it("type-checks: the README's, the guides' and the introduction's blocks and every operation's request sample (and broken copies do not)", () => {
    const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
    const samples = sampleFiles(spec);
    const blocks = markdownBlocks();
    expect(samples.size).toBe(listOperations(spec).length);
    // A broken copy of the first sample and of the README's first block with a typed call must each fail to compile.
    const [, firstSample] = [...samples][0]!;
    const readmeBlock = codeBlocks(readMarkdown("README.md"), "ts").find((code) => /\.(GET|POST)\("/.test(code));
    const brokenFiles = new Map([
      [join(dir, "__broken_sample__.ts"), broken(firstSample)],
      [join(dir, "__broken_block__.ts"), broken(readmeBlock ?? "")],
    ]);
    const errors = typeCheck(new Map([...blocks, ...samples, ...brokenFiles]), dir).errors;
    expect(errors.filter((line) => !line.startsWith("__broken_"))).toEqual([]);
    expect(errors.filter((line) => line.startsWith("__broken_sample__.ts")).length).toBeGreaterThan(0);
    expect(errors.filter((line) => line.startsWith("__broken_block__.ts")).length).toBeGreaterThan(0);
  }, 90_000); // a whole-program type-check: CPU-bound, seconds on a busy machine
});

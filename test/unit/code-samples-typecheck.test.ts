/**
 * The docs' TypeScript samples compile against this package's own types: every operation's
 * sample is type-checked (in memory) with `instacart-connect` pointing at src/index.ts, so a
 * sample whose path, parameters or example body the typed client would refuse fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codeSamples } from "../../scripts/lib/code-samples.ts";
import { bundledSpec, root } from "../../scripts/lib/paths.ts";
import { listOperations, type OpenApiDocument } from "../../scripts/lib/spec.ts";
import { typeCheck } from "../support/typecheck.ts";

const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
/** Virtual files live next to this test, so Node's ESM rules (package.json "type": "module") apply. */
const sampleDir = join(root, "test", "unit", "__samples__");

function sampleFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const operation of listOperations(spec)) {
    const typescript = codeSamples(spec, operation).find(({ label }) => label === "TypeScript");
    if (!typescript) throw new Error(`no TypeScript sample for ${operation.method} ${operation.path}`);
    files.set(join(sampleDir, `${operation.operation.operationId ?? files.size}.ts`), `${typescript.source}\nexport {};\n`);
  }
  return files;
}

describe("TypeScript samples", () => {
  it("type-check against the package's types for every operation of the spec (and a broken one does not)", () => {
    const files = sampleFiles();
    expect(files.size).toBe(listOperations(spec).length);
    // One program for all samples plus a copy of the first with a path the typed client does not know.
    const [, first] = [...files][0]!;
    const broken = first.replace(/await (\w+)\.(GET|PUT|POST|DELETE|PATCH)\("/, 'await $1.$2("/v2/not-a-path');
    expect(broken).not.toBe(first);
    const brokenName = join(sampleDir, "__broken__.ts");
    const found = typeCheck(new Map([...files, [brokenName, broken]]), sampleDir).errors;
    expect(found.filter((line) => !line.startsWith("__broken__.ts"))).toEqual([]);
    expect(found.filter((line) => line.startsWith("__broken__.ts")).length).toBeGreaterThan(0);
  }, 90_000); // a full type-check of src/ and the generated types: CPU-bound, seconds on a busy machine
});

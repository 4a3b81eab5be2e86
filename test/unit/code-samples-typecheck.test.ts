/**
 * The docs' TypeScript samples compile against this package's own types: every operation's
 * sample is type-checked (in memory) with `instacart-connect` pointing at src/index.ts, so a
 * sample whose path, parameters or example body the typed client would refuse fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { codeSamples } from "../../scripts/lib/code-samples.ts";
import { bundledSpec, root } from "../../scripts/lib/paths.ts";
import { listOperations, type OpenApiDocument } from "../../scripts/lib/spec.ts";

const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
const entry = join(root, "src", "index.ts");
/** Virtual files live next to this test, so Node's ESM rules (package.json "type": "module") apply. */
const sampleDir = join(root, "test", "unit", "__samples__");

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ["node"],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
};

function diagnostics(files: Map<string, string>): string[] {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  host.readFile = (name) => files.get(name) ?? ts.sys.readFile(name);
  host.getSourceFile = (name, languageVersion, ...rest) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile(name, languageVersion, ...rest) : ts.createSourceFile(name, text, languageVersion, true);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && files.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      return `${diagnostic.file!.fileName.slice(sampleDir.length + 1)}:${line + 1}: ${text}`;
    });
}

function sampleFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const operation of listOperations(spec)) {
    const typescript = codeSamples(spec, operation).find(({ label }) => label === "TypeScript");
    if (!typescript) throw new Error(`no TypeScript sample for ${operation.method} ${operation.path}`);
    const source = typescript.source.replace('from "instacart-connect"', `from ${JSON.stringify(entry)}`);
    files.set(join(sampleDir, `${operation.operation.operationId ?? files.size}.ts`), `${source}\nexport {};\n`);
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
    const found = diagnostics(new Map([...files, [brokenName, broken]]));
    expect(found.filter((line) => !line.startsWith("__broken__.ts"))).toEqual([]);
    expect(found.filter((line) => line.startsWith("__broken__.ts")).length).toBeGreaterThan(0);
  }, 90_000); // a full type-check of src/ and the generated types: CPU-bound, seconds on a busy machine
});

/**
 * What the client's types cost a consumer's type-checker, against bare openapi-fetch, on the same 20
 * calls `npm run bench` checks (written from the spec's examples). TypeScript's count of type
 * instantiations is deterministic, unlike check time: the typed wrapper should add little to it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { consumerCalls } from "../../scripts/lib/bench-types.ts";
import { bundledSpec, root } from "../../scripts/lib/paths.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec.ts";

const dir = join(root, "test-results", "types-cost");

function check(name: string, source: string): { problems: string[]; instantiations: number } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2023.d.ts"],
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    baseUrl: root,
    paths: { "instacart-connect": ["src/index.ts"], "instacart-connect/schema": ["generated/schema.ts"] },
  });
  const sourceFile = program.getSourceFile(file)!;
  const problems = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)].map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  );
  return { problems, instantiations: program.getInstantiationCount() };
}

describe("type-check cost", () => {
  it("checks 20 calls with about as many type instantiations as bare openapi-fetch", () => {
    rmSync(dir, { recursive: true, force: true });
    const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
    const { lines } = consumerCalls(spec);
    const body = [`export async function twentyCalls(): Promise<unknown[]> {`, ...lines, `}`, ``];
    const ours = check("connect", [
      `import { createConnectClient } from "instacart-connect";`,
      `const connect = createConnectClient({ server: "development", clientId: "id", clientSecret: "secret" });`,
      `const shopper = connect.forUser("user-1");`,
      ...body,
    ].join("\n"));
    const bare = check("openapi-fetch", [
      `import createClient from "openapi-fetch";`,
      `import type { paths } from "instacart-connect/schema";`,
      `const connect = createClient<paths>({ baseUrl: "https://connect.dev.instacart.tools" });`,
      `const shopper = connect;`,
      ...body,
    ].join("\n"));
    expect(ours.problems).toEqual([]);
    expect(bare.problems).toEqual([]);
    expect(ours.instantiations / bare.instantiations).toBeLessThan(1.15);
  }, 60_000);
});

/**
 * The README's "Event callbacks" examples compile: each ```ts block is type-checked as its own
 * module with the project's compiler options, `instacart-connect` resolved to src/index.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/paths.ts";

function eventCallbackExamples(): string[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf("\n## Event callbacks\n");
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
}

function typeErrors(sources: Map<string, string>): string[] {
  const config = ts.readConfigFile(join(root, "tsconfig.json"), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (path) => sources.has(path) || ts.sys.fileExists(path);
  host.readFile = (path) => sources.get(path) ?? readFile(path);
  host.getSourceFile = (path, language, onError) => {
    const text = sources.get(path);
    return text === undefined ? getSourceFile(path, language, onError) : ts.createSourceFile(path, text, language);
  };
  const program = ts.createProgram([...sources.keys()], { ...options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && sources.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${diagnostic.file!.fileName.slice(root.length + 1)}:${line + 1} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    });
}

describe("README: Event callbacks", () => {
  it("has examples that type-check against the package", () => {
    const examples = eventCallbackExamples();
    expect(examples.length).toBeGreaterThanOrEqual(3);
    const index = join(root, "src", "index.ts");
    const sources = new Map(
      examples.map((code, n) => [
        join(root, "test", "unit", `readme-event-example-${n + 1}.ts`),
        code.replaceAll('from "instacart-connect"', `from ${JSON.stringify(index)}`),
      ]),
    );
    expect(typeErrors(sources)).toEqual([]);
  }, 120_000); // a whole-program type-check: seconds on a busy machine
});

/**
 * Type-checks in-memory TypeScript modules the way a consumer of this package writes them:
 * `import … from "instacart-connect"` resolves to src/index.ts (and `instacart-connect/schema` to
 * the generated types), with strict NodeNext settings. Nothing is written to disk.
 */
import { join, relative } from "node:path";
import ts from "typescript";
import { root } from "../../scripts/lib/paths.ts";

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ["node"],
  typeRoots: [join(root, "node_modules", "@types")],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
  baseUrl: root,
  paths: {
    "instacart-connect": ["src/index.ts"],
    "instacart-connect/schema": ["generated/schema.ts"],
    "instacart-connect/events": ["src/events/index.ts"],
    "instacart-connect/node": ["src/adapters/node.ts"],
    "instacart-connect/stores/redis": ["src/stores/redis.ts"],
    "instacart-connect/stores/postgres": ["src/stores/postgres.ts"],
    "instacart-connect/simulator": ["src/simulator/index.ts"],
  },
};

/**
 * `files`: absolute path → source. Put them under the project (e.g. test/unit/__x__/) so that its
 * package.json ("type": "module") applies. Returns the errors found in those files, as
 * `<path relative to relativeTo>:<line> <message>`, and the program (for its counts).
 */
export function typeCheck(
  files: Map<string, string>,
  relativeTo = root,
  /** Settings of the consumer's own tsconfig, e.g. `{ exactOptionalPropertyTypes: true }`. */
  settings: ts.CompilerOptions = {},
): { errors: string[]; program: ts.Program } {
  const compilerOptions = { ...options, ...settings };
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  host.readFile = (name) => files.get(name) ?? ts.sys.readFile(name);
  host.getSourceFile = (name, languageVersion, ...rest) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile(name, languageVersion, ...rest) : ts.createSourceFile(name, text, languageVersion, true);
  };
  const program = ts.createProgram([...files.keys()], compilerOptions, host);
  // Only these files' diagnostics: the package itself is tsc's business (and checking it here would
  // count its own type instantiations as the consumer's).
  const errors = [...files.keys()]
    .map((name) => program.getSourceFile(name)!)
    .flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)])
    .map((diagnostic) => {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${relative(relativeTo, diagnostic.file!.fileName)}:${line + 1} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    });
  return { errors, program };
}

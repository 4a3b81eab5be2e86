/**
 * Types: what the package costs a consumer's type-checker. `tsc --noEmit` (the project's TypeScript,
 * `skipLibCheck` as most projects set it) on three consumer files, median of a few runs each:
 *   - an empty file (the compiler's own start-up, the standard library and @types/node);
 *   - a file that imports the package and calls nothing (loading the types);
 *   - a file that calls 20 operations, written from the spec's own examples (checking the calls);
 *   - the same 20 calls through a bare openapi-fetch client of the same `paths` (the floor).
 * The consumer sees the package as a published one would show it: declaration files, emitted once
 * from the sources here (`tsc --declaration --emitDeclarationOnly`) unless a build exists.
 * `tsc --extendedDiagnostics` also reports counts that do not depend on the machine's load.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { operations } from "../../generated/operations.ts";
import { median } from "./bench-stats.ts";
import { bundledSpec, generatedDir, root } from "./paths.ts";
import { deref, listOperations, type OpenApiDocument, type OperationObject } from "./spec.ts";

const tscBin = createRequire(import.meta.url).resolve("typescript/bin/tsc");

export interface TscRun {
  /** Median wall ms of the whole `tsc` process. */
  ms: number;
  /** Median of tsc's own "Check time" in ms. */
  checkMs: number;
  files: number;
  types: number;
  instantiations: number;
  /** tsc's "Memory used", in KB. */
  memoryKb: number;
}

export interface TypesResults {
  runs: number;
  /** Where the consumer's `instacart-connect` types come from. */
  declarations: string;
  empty: TscRun;
  importOnly: TscRun;
  calls20: TscRun;
  /** The same 20 calls through bare openapi-fetch. */
  openapiFetch20: TscRun;
  /** The operations the 20-call file calls. */
  operations: string[];
  /** Bytes of `generated/schema.ts`. */
  schemaBytes: number;
  /** Lines of `generated/schema.ts`. */
  schemaLines: number;
}

function run(args: string[]): Promise<{ stdout: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [tscBin, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.once("error", reject);
    child.once("exit", (status) => {
      if (status !== 0) reject(new Error(`tsc ${args.join(" ")} failed:\n${stdout.slice(0, 4000)}`));
      else resolve({ stdout, ms: performance.now() - started });
    });
  });
}

function diagnostic(stdout: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+([\\d.]+)(s|K)?`, "m").exec(stdout);
  if (!match) throw new Error(`tsc --extendedDiagnostics printed no "${name}"`);
  return Number(match[1]) * (match[2] === "s" ? 1000 : 1);
}

/** A literal for a path parameter value of the given schema type. */
function pathValue(parameter: { schema?: { type?: string }; example?: unknown }): string {
  if (parameter.example !== undefined) return JSON.stringify(parameter.example);
  return parameter.schema?.type === "integer" || parameter.schema?.type === "number" ? "1" : JSON.stringify("id-1");
}

/**
 * The body of a consumer function that calls `count` operations (non-deprecated ones spread over the
 * spec, bodies from its examples) on `connect`, or on `shopper` for those that need a user token.
 */
export function consumerCalls(spec: OpenApiDocument, count = 20): { lines: string[]; operationIds: string[] } {
  const follow = <T>(node: unknown): T => deref(spec, node) as T;
  const candidates = listOperations(spec).filter(({ method, path, operation }) => {
    const facts = operations[`${method} ${path}`];
    return !operation.deprecated && facts !== undefined && facts.grant !== null && !facts.developmentOnly;
  });
  if (candidates.length < count) throw new Error(`the spec has only ${candidates.length} operations to call`);
  const step = candidates.length / count;
  const chosen = Array.from({ length: count }, (_, i) => candidates[Math.floor(i * step)]!);
  const lines: string[] = [];
  for (const [i, { method, path, operation }] of chosen.entries()) {
    const client = operations[`${method} ${path}`]!.grant === "fulfillment_user_assertion" ? "shopper" : "connect";
    const init: string[] = [];
    const pathParams = ((operation as OperationObject).parameters ?? [])
      .map((p) => follow<{ name: string; in: string; schema?: { type?: string }; example?: unknown }>(p))
      .filter((p) => p.in === "path");
    if (pathParams.length > 0) init.push(`params: { path: { ${pathParams.map((p) => `${p.name}: ${pathValue(p)}`).join(", ")} } }`);
    const body = follow<{ content?: Record<string, { example?: unknown; examples?: Record<string, unknown> }> } | undefined>(
      operation.requestBody ?? {},
    )?.content?.["application/json"];
    if (body) {
      const example = body.example ?? follow<{ value?: unknown }>(Object.values(body.examples ?? {})[0] ?? {}).value;
      if (example === undefined) throw new Error(`${operation.operationId} has no request example`);
      init.push(`body: ${JSON.stringify(example)}`);
    }
    const args = [JSON.stringify(path), ...(init.length > 0 ? [`{ ${init.join(", ")} }`] : [])];
    lines.push(`  const r${i + 1} = (await ${client}.${method}(${args.join(", ")})).data;`);
  }
  lines.push(`  return [${chosen.map((_, i) => `r${i + 1}`).join(", ")}];`);
  return { lines, operationIds: chosen.map(({ operation }) => operation.operationId ?? "?") };
}

/** Declaration files of the package for the consumer, emitted here from the sources (a `dist/` may be older). */
async function declarations(dir: string): Promise<{ entry: string; schema: string; what: string }> {
  const out = join(dir, "dts");
  rmSync(out, { recursive: true, force: true });
  const config = join(dir, "tsconfig.emit.json");
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(root, "tsconfig.json"),
      compilerOptions: {
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        outDir: out,
        rootDir: root,
        allowImportingTsExtensions: false,
      },
      include: [join(root, "src"), join(root, "generated")],
    }),
  );
  await run(["-p", config]);
  return {
    entry: join(out, "src", "index.d.ts"),
    schema: join(out, "generated", "schema.d.ts"),
    what: "declarations emitted from src/ by tsc (no build on this branch)",
  };
}

export async function measureTypes(runs = 3): Promise<TypesResults> {
  const dir = join(root, "tmp", "bench", "types");
  mkdirSync(dir, { recursive: true });
  const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
  const { entry, schema: schemaTypes, what } = await declarations(dir);
  const { lines, operationIds } = consumerCalls(spec);
  const files = {
    empty: "export {};\n",
    importOnly: `import type { ConnectClient } from "instacart-connect";\nexport type Client = ConnectClient;\n`,
    calls20: [
      `import { createConnectClient } from "instacart-connect";`,
      `const connect = createConnectClient({ server: "development", clientId: "id", clientSecret: "secret" });`,
      `const shopper = connect.forUser("user-1");`,
      `export async function twentyCalls(): Promise<unknown[]> {`,
      ...lines,
      `}`,
      ``,
    ].join("\n"),
    openapiFetch20: [
      `import createClient from "openapi-fetch";`,
      `import type { paths } from "instacart-connect/schema";`,
      `const connect = createClient<paths>({ baseUrl: "https://connect.dev.instacart.tools" });`,
      `const shopper = connect;`,
      `export async function twentyCalls(): Promise<unknown[]> {`,
      ...lines,
      `}`,
      ``,
    ].join("\n"),
  } as const;
  const configs = {} as Record<keyof typeof files, string>;
  for (const [name, text] of Object.entries(files) as [keyof typeof files, string][]) {
    writeFileSync(join(dir, `${name}.ts`), text);
    configs[name] = join(dir, `tsconfig.${name}.json`);
    writeFileSync(
      configs[name],
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023"],
          types: ["node"],
          typeRoots: [join(root, "node_modules", "@types")],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          paths: { "instacart-connect": [entry], "instacart-connect/schema": [schemaTypes] },
        },
        files: [join(dir, `${name}.ts`)],
      }),
    );
  }
  const names = Object.keys(files) as (keyof typeof files)[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as string[]])) as Record<keyof typeof files, string[]>;
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<keyof typeof files, number[]>;
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      const { stdout, ms } = await run(["-p", configs[name], "--extendedDiagnostics"]);
      samples[name].push(stdout);
      times[name].push(ms);
    }
  }
  const summary = (name: keyof typeof files): TscRun => {
    const last = samples[name].at(-1)!;
    return {
      ms: median(times[name]),
      checkMs: median(samples[name].map((s) => diagnostic(s, "Check time"))),
      files: diagnostic(last, "Files"),
      types: diagnostic(last, "Types"),
      instantiations: diagnostic(last, "Instantiations"),
      memoryKb: diagnostic(last, "Memory used"),
    };
  };
  const schema = join(generatedDir, "schema.ts");
  return {
    runs,
    declarations: what,
    empty: summary("empty"),
    importOnly: summary("importOnly"),
    calls20: summary("calls20"),
    openapiFetch20: summary("openapiFetch20"),
    operations: operationIds,
    schemaBytes: statSync(schema).size,
    schemaLines: readFileSync(schema, "utf8").split("\n").length,
  };
}

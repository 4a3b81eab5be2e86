/**
 * The package as users get it (`npm run test:slow`): `npm pack` (prepack builds dist/), its file list
 * checked (publint and @arethetypeswrong/cli run in `npm run check:package`), then installed into a
 * fresh project in a temporary directory, outside this repository, where an ES module script and a CommonJS script call a Prism
 * mock started from the *shipped* openapi.json, and tsc type-checks typed usage with
 * `moduleResolution` node16 (ESM and CommonJS files; DOM lib or @types/node) and bundler. Temp dirs
 * and Prism are removed in afterAll. Needs the npm registry only for the dependencies, and
 * `--prefer-offline` takes them from the npm cache when it has them.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageFileProblems, secretProblems } from "../../scripts/lib/package-checks.ts";
import { cleanNpmEnv, packPackage, type PackResult } from "../../scripts/lib/package.ts";
import { bundledSpec, root } from "../../scripts/lib/paths.ts";
import { startPrism, type MockServer } from "../../scripts/lib/prism.ts";
import { cjsScript, esmScript, typedSpecUsage, typedUsage } from "./consumer-app.ts";

const run = promisify(execFile);

let work: string;
let app: string;
let packed: PackResult;
/** Where npm installed the package in the consumer project. */
let installed: string;
let prism: MockServer | undefined;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "instacart-connect-consumer-"));
  packed = await packPackage(work);

  app = join(work, "app");
  await mkdir(join(app, "src"), { recursive: true });
  await writeFile(join(app, "package.json"), `${JSON.stringify({ name: "consumer-app", version: "1.0.0", private: true }, null, 2)}\n`);
  await run("npm", ["install", packed.tarball!, "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], {
    cwd: app,
    env: cleanNpmEnv(),
  });
  installed = join(app, "node_modules", "instacart-connect");
  prism = await startPrism({ spec: join(installed, "dist", "openapi.json") });
}, 300_000);

afterAll(async () => {
  await prism?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

describe("the tarball", () => {
  it("holds the built modules in both formats with declarations, the spec and the package's documents: no tests, sources or secrets", async () => {
    expect(packageFileProblems(packed.files)).toEqual([]);
    expect(packed.files).toEqual(expect.arrayContaining(["dist/esm/src/index.js", "dist/cjs/src/index.d.ts", "dist/openapi.json"]));
    const secrets: string[] = [];
    for (const path of packed.files) secrets.push(...secretProblems(path, await readFile(join(installed, path), "utf8")));
    expect(secrets).toEqual([]);
  });

  it("ships the bundled spec byte for byte, where require.resolve finds it", async () => {
    const resolved = createRequire(join(app, "package.json")).resolve("instacart-connect/openapi.json");
    expect(resolved).toBe(join(installed, "dist", "openapi.json"));
    expect((await readFile(resolved)).equals(await readFile(bundledSpec))).toBe(true);
  });
});

interface ScriptReport {
  loaded: string;
  eventsLoaded: string;
  version: string;
  packageVersion: string;
  user: { user_id?: unknown; first_name?: unknown };
  refused: { apiError: boolean; connectError: boolean; status: number } | undefined;
  configError: boolean;
  eventId: unknown;
  sameErrorClasses: boolean;
  sameHandler: boolean;
  storesLoaded: boolean;
  specOpenapi?: string;
  specPaths?: number;
}

async function runScript(name: string, source: string): Promise<ScriptReport> {
  const file = join(app, name);
  await writeFile(file, source);
  const { stdout } = await run(process.execPath, [file], { cwd: app, env: { ...process.env, PRISM_URL: prism!.url } });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as ScriptReport;
}

/** What both formats must show: a typed call went through Prism, errors are the package's classes. */
function expectWorkingClient(report: ScriptReport, format: "esm" | "cjs"): void {
  expect(report.loaded).toContain(`node_modules/instacart-connect/dist/${format}/src/index.js`);
  expect(report.eventsLoaded).toContain(`node_modules/instacart-connect/dist/${format}/src/events/index.js`);
  expect(report.version).toBe(report.packageVersion);
  expect(typeof report.user.user_id).toBe("string");
  expect(typeof report.user.first_name).toBe("string");
  // The mock refuses a body without the required user_id; unwrap throws the package's own error.
  expect(report.refused).toEqual({ apiError: true, connectError: true, status: 400 });
  expect(report.configError).toBe(true);
  expect(report.eventId).toBe("1201895966044343904");
  expect(report.sameErrorClasses).toBe(true);
  expect(report.sameHandler).toBe(true);
  expect(report.storesLoaded).toBe(true);
}

describe("installed in a fresh project", () => {
  it("resolves the shipped spec for Prism from the consumer's node_modules, with the README's command", async () => {
    const readme = await readFile(join(root, "README.md"), "utf8");
    const expression = /npx prism mock "\$\(node -p '([^']+)'\)"/.exec(readme)?.[1];
    expect(expression).toBe('require.resolve("instacart-connect/openapi.json")');
    const { stdout } = await run(process.execPath, ["-p", expression!], { cwd: app });
    expect(stdout.trim()).toBe(join(app, "node_modules", "instacart-connect", "dist", "openapi.json"));
    expect(stdout.startsWith(root + sep)).toBe(false);
  });

  it("works from an ES module: import, a call against Prism started from the shipped spec", async () => {
    expectWorkingClient(await runScript("app.mjs", esmScript), "esm");
  }, 60_000);

  it("works from CommonJS: require, the same call, and require of the spec", async () => {
    const report = await runScript("app.cjs", cjsScript);
    expectWorkingClient(report, "cjs");
    const spec = JSON.parse(await readFile(bundledSpec, "utf8")) as { openapi: string; paths: object };
    expect(report.specOpenapi).toBe(spec.openapi);
    expect(report.specPaths).toBe(Object.keys(spec.paths).length);
  }, 60_000);
});

/**
 * Type-checks `files` (name → source) written into the consumer project; returns the errors and the
 * package's files the program used. By default the declarations the consumer gets (the package's and
 * those they import) are checked too; TypeScript's own lib files are not.
 */
async function typeCheck(files: Record<string, string>, options: ts.CompilerOptions): Promise<{ errors: string[]; used: string[] }> {
  const names: string[] = [];
  for (const [name, source] of Object.entries(files)) {
    const file = join(app, "src", name);
    await writeFile(file, source);
    names.push(file);
  }
  const program = ts.createProgram(names, {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    skipDefaultLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    ...options,
  });
  const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file
      ? `${diagnostic.file.fileName.replace(`${app}${sep}`, "")}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1} `
      : "";
    return `${where}${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
  });
  const packageDir = join(app, "node_modules", "instacart-connect") + sep;
  const used = program
    .getSourceFiles()
    .map((file) => file.fileName)
    .filter((name) => name.startsWith(packageDir))
    .map((name) => name.slice(packageDir.length));
  return { errors, used };
}

const node16 = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 };
const bundler = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
const domLib = { lib: ["lib.es2022.d.ts", "lib.dom.d.ts"], types: [] };

describe("type-checked in the consumer project", () => {
  it("with moduleResolution node16, from an ES module and from a CommonJS module, declarations included", async () => {
    const { errors, used } = await typeCheck({ "node16.mts": typedUsage, "node16.cts": typedUsage }, { ...node16, ...domLib });
    expect(errors).toEqual([]);
    expect(used).toEqual(
      expect.arrayContaining([
        "dist/esm/src/index.d.ts",
        "dist/cjs/src/index.d.ts",
        "dist/esm/src/events/index.d.ts",
        "dist/cjs/src/events/index.d.ts",
      ]),
    );
  }, 180_000);

  it("with moduleResolution node16 in a Node.js setup (@types/node, no DOM lib)", async () => {
    // @types/node is not ours to check (skipLibCheck); the declarations were checked above.
    const { errors } = await typeCheck(
      { "node-app.mts": typedUsage, "node-app.cts": typedUsage },
      { ...node16, lib: ["lib.es2022.d.ts"], types: ["node"], typeRoots: [join(root, "node_modules", "@types")], skipLibCheck: true },
    );
    expect(errors).toEqual([]);
  }, 180_000);

  it("with moduleResolution bundler, including the spec as JSON, declarations included", async () => {
    const { errors, used } = await typeCheck(
      { "bundler.ts": typedUsage, "spec.ts": typedSpecUsage },
      { ...bundler, ...domLib, resolveJsonModule: true },
    );
    expect(errors).toEqual([]);
    expect(used).toEqual(expect.arrayContaining(["dist/esm/src/index.d.ts", "dist/openapi.json"]));
    // ES module declarations only (the types-only schema is the one shared file, see scripts/build.ts).
    expect(used.filter((name) => name.startsWith("dist/cjs/src/"))).toEqual([]);
  }, 180_000);
});

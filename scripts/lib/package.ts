/**
 * The npm package's layout, in one place: what `npm run build` writes to dist/, the entry modules
 * (read from package.json's `exports` and `bin`, so a new entry needs no change here), and `npm pack`.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { root } from "./paths.ts";

const run = promisify(execFile);

export const distDir = join(root, "dist");
/** ES modules and their declarations (the package is `"type": "module"`). */
export const esmDir = join(distDir, "esm");
/** CommonJS: the same modules as `require()`-able code, with a `{"type":"commonjs"}` package.json. */
export const cjsDir = join(distDir, "cjs");
/** The bundled OpenAPI document as shipped: `instacart-connect/openapi.json`. */
export const shippedSpec = join(distDir, "openapi.json");
/** Types only: its declarations ship once, in dist/cjs; dist/esm re-exports them. */
export const generatedTypesOnly = "generated/schema.ts";

interface Manifest {
  exports: Record<string, string | { import?: { default?: string } }>;
  bin?: string | Record<string, string>;
}

/** `./dist/esm/src/index.js` → `src/index.ts`; undefined for a file the build does not compile (the spec JSON). */
function sourceOf(target: string): string | undefined {
  const match = /^\.\/dist\/esm\/(.+)\.js$/.exec(target);
  return match ? `${match[1]}.ts` : undefined;
}

/**
 * The modules the build compiles from (relative to the root): the ES module of each `exports` entry
 * and each `bin` script. Everything they import is compiled with them.
 */
export function entrySources(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;
  const targets = Object.values(manifest.exports).map((target) => (typeof target === "string" ? target : target.import?.default));
  const bins = typeof manifest.bin === "string" ? [manifest.bin] : Object.values(manifest.bin ?? {});
  const sources = [...targets, ...bins].flatMap((target) =>
    target ? (sourceOf(target.startsWith("./") ? target : `./${target}`) ?? []) : [],
  );
  return [...new Set(sources)];
}

/** What `npm pack --json` reports: the tarball (absent for a dry run) and the files it holds. */
export interface PackResult {
  /** Absolute path of the .tgz, when one was written. */
  tarball: string | undefined;
  /** Paths inside the package (no `package/` prefix). */
  files: string[];
}

/**
 * `npm pack` into `destination`, or a dry run without one (no tarball, no `prepack` build: it lists
 * dist/ as it is). `npm_*` variables an outer `npm test` exported are dropped so this npm sees only
 * the user's and the project's configuration.
 */
export async function packPackage(destination?: string): Promise<PackResult> {
  const args = destination ? ["--pack-destination", destination] : ["--dry-run", "--ignore-scripts"];
  const { stdout } = await run("npm", ["pack", "--json", ...args], { cwd: root, env: cleanNpmEnv(), maxBuffer: 64 * 1024 * 1024 });
  // Lifecycle output (prepack → build) may precede the JSON array.
  const [result] = JSON.parse(stdout.slice(stdout.indexOf("\n[") + 1 || stdout.indexOf("["))) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (!result) throw new Error(`npm pack printed no result:\n${stdout}`);
  return {
    tarball: destination ? join(destination, basename(result.filename)) : undefined,
    files: result.files.map((file) => file.path).sort(),
  };
}

/** The environment without what an enclosing npm script exported about *this* project. */
export function cleanNpmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|config_local_prefix$)/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * The npm package's layout, in one place: what `npm run build` writes to dist/, which files the
 * tarball must hold (derived from the sources, not from dist/), and small helpers to pack it and
 * read a tarball back.
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join, sep } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { root } from "./paths.ts";

const run = promisify(execFile);

export const distDir = join(root, "dist");
/** ES modules and their declarations (the package is `"type": "module"`). */
export const esmDir = join(distDir, "esm");
/** CommonJS: the same modules as `require()`-able code, with a `{"type":"commonjs"}` package.json. */
export const cjsDir = join(distDir, "cjs");
/** The bundled OpenAPI document as shipped: `instacart-connect/openapi.json`. */
export const shippedSpec = join(distDir, "openapi.json");

/** The package's entry points: export subpath → source module (relative to the root). */
export const entryPoints = {
  ".": "src/index.ts",
  "./events": "src/events-index.ts",
  "./simulator": "src/simulator/index.ts",
} as const;

/** Modules built besides the entry points: the `bin` (`instacart-connect simulate`). */
export const binEntries = ["src/simulator/cli.ts"] as const;

/** `src/x.ts` → `src/x` (the path of its outputs below dist/esm and dist/cjs). */
const stem = (source: string): string => source.replace(/\.ts$/, "");

/** Generated modules with runtime code (the rest of generated/ is types or the spec itself). */
const generatedRuntime = ["generated/operations.ts", "generated/events.ts"];
/** Types only: its declarations ship once, in dist/cjs; dist/esm re-exports them. */
export const generatedTypesOnly = "generated/schema.ts";

/**
 * Every path the tarball must hold (`package/` prefix removed), derived from the sources: each module
 * of src/ and the generated runtime tables as ESM and CommonJS with declarations, the schema
 * declarations, the bundled spec, and the package's own documents. Nothing else may ship.
 */
export function expectedTarballFiles(): string[] {
  const sources = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => `src/${name.split(sep).join("/")}`);
  const files = ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "dist/openapi.json", "dist/cjs/package.json"];
  for (const source of [...sources, ...generatedRuntime]) {
    for (const format of ["esm", "cjs"]) files.push(`dist/${format}/${stem(source)}.js`, `dist/${format}/${stem(source)}.d.ts`);
  }
  for (const format of ["esm", "cjs"]) files.push(`dist/${format}/${stem(generatedTypesOnly)}.d.ts`);
  return files.sort();
}

/** What `npm pack --json` reports about the tarball it wrote. */
export interface PackResult {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Size of the .tgz in bytes. */
  size: number;
  unpackedSize: number;
  entryCount: number;
}

/**
 * `npm pack` into `destination` (its `prepack` script builds dist/ first). `npm_config_*` variables an
 * outer `npm test` exported are dropped so this npm sees only the user's and project's configuration.
 */
export async function packPackage(destination: string): Promise<PackResult> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", destination], {
    cwd: root,
    env: cleanNpmEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  // Lifecycle output (prepack → build) may precede the JSON array.
  const [result] = JSON.parse(stdout.slice(stdout.indexOf("\n[") + 1 || stdout.indexOf("["))) as {
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
  }[];
  if (!result) throw new Error(`npm pack printed no result:\n${stdout}`);
  return {
    tarball: join(destination, basename(result.filename)),
    size: result.size,
    unpackedSize: result.unpackedSize,
    entryCount: result.entryCount,
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

export interface TarballEntry {
  /** Path inside the package (the `package/` prefix removed). */
  path: string;
  data: Buffer;
}

/** Reads a .tgz written by npm (ustar with optional pax headers) into its regular files. */
export async function readTarball(file: string): Promise<TarballEntry[]> {
  const tar = gunzipSync(await readFile(file));
  const entries: TarballEntry[] = [];
  let paxPath: string | undefined;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number): string =>
      header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1) || "0";
    const prefix = field(345, 155);
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString("utf8"))?.[1];
      continue;
    }
    const name = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    paxPath = undefined;
    if (type !== "0") continue;
    entries.push({ path: name.replace(/^package\//, ""), data: Buffer.from(data) });
  }
  return entries;
}

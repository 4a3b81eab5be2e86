/**
 * The package as users run it: the sources bundled by esbuild (in-process) into one ES module,
 * dependencies left as imports as a published package would have them. The benchmarks measure this,
 * not the sources as tsx runs them (tsx adds a `__name` call to every function it creates, which a
 * build does not), and not a `dist/` that may be older than the sources.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { root } from "./paths.ts";

export interface PackageEntry {
  /** Absolute path of the module. */
  file: string;
  /** What it is, for the report. */
  target: string;
}

/** Where the benchmarks' bundles go. */
export const benchDir = join(root, "tmp", "bench");

/** Bundles `source` (relative to the root) into `tmp/bench/<name>`: one ES module for Node.js, dependencies left as imports. */
export async function bundleForBench(source: string, name: string): Promise<string> {
  mkdirSync(benchDir, { recursive: true });
  const outfile = join(benchDir, name);
  await build({
    entryPoints: [join(root, source)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "silent",
  });
  return outfile;
}

let entry: Promise<PackageEntry> | undefined;

export function packageEntry(): Promise<PackageEntry> {
  entry ??= bundleForBench("src/index.ts", "instacart-connect.mjs").then((file) => ({ file, target: "src/index.ts bundled by esbuild" }));
  return entry;
}

/** Imports the package (typed as the sources). */
export async function importPackage(): Promise<typeof import("../../src/index.ts")> {
  const { file } = await packageEntry();
  return (await import(pathToFileURL(file).href)) as typeof import("../../src/index.ts");
}

/**
 * Size: the runtime bundle a user ships, minified and gzipped (esbuild, in-process), against
 * openapi-fetch alone. Three entries: the whole package (`src/index.ts`), only what a client user
 * imports (`createConnectClient`, tree-shaken), and openapi-fetch's own entry.
 */
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { root } from "./paths.ts";

export interface BundleSize {
  /** Minified bytes. */
  minified: number;
  /** Minified and gzipped bytes (level 9). */
  gzipped: number;
  /** The largest inputs, in minified bytes they contribute. */
  inputs: Record<string, number>;
}

export interface SizeResults {
  /** Every export of the package. */
  package: BundleSize;
  /** `import { createConnectClient } from "instacart-connect"` alone. */
  client: BundleSize;
  /** `import createClient from "openapi-fetch"`. */
  openapiFetch: BundleSize;
}

async function bundle(contents: string): Promise<BundleSize> {
  const result = await build({
    stdin: { contents, resolveDir: root, sourcefile: "bench-entry.ts", loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .map(([file, info]) => [file.replace(/^.*node_modules\//, ""), info.bytesInOutput] as const)
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength, inputs: Object.fromEntries(inputs) };
}

export async function measureSize(): Promise<SizeResults> {
  return {
    package: await bundle(`export * from "./src/index.ts";`),
    client: await bundle(`export { createConnectClient } from "./src/index.ts";`),
    openapiFetch: await bundle(`export { default } from "openapi-fetch";`),
  };
}

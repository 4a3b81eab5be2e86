/**
 * Bundle size as an application bundler sees it: esbuild (JS API, in-process) bundles a one-line
 * entry module, minified and tree-shaken for Node as ESM, and the output is measured raw and
 * gzipped (level 9).
 */
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { root } from "./paths.ts";

export interface BundleSize {
  /** Minified bytes. */
  minified: number;
  /** Minified and gzipped bytes. */
  gzipped: number;
  /** Bytes each input contributes to the minified output (paths relative to the root), largest first. */
  inputs: [path: string, bytes: number][];
}

/**
 * Bundles `entry` (module source resolved from the project root: `instacart-connect` resolves to
 * dist/ through the package's own `exports`, a self-reference).
 */
export async function measureBundle(entry: string): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: entry, resolveDir: root, loader: "js", sourcefile: "entry.js" },
    bundle: true,
    minify: true,
    treeShaking: true,
    format: "esm",
    platform: "node",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
    // node_modules may be a symlink to a shared install: keep resolved paths inside the project so
    // esbuild reads this project's package.json files, not those around the link's target.
    preserveSymlinks: true,
  });
  const [output] = result.outputFiles;
  const meta = Object.values(result.metafile.outputs)[0];
  if (!output || !meta) throw new Error("esbuild produced no output");
  const inputs = Object.entries(meta.inputs)
    .map(([path, { bytesInOutput }]): [string, number] => [path, bytesInOutput])
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  return { minified: output.contents.length, gzipped: gzipSync(output.contents, { level: 9 }).length, inputs };
}

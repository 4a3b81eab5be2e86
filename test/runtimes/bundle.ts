/**
 * One-file bundles for the runtimes, made by esbuild with `--platform=neutral`: nothing Node-only
 * resolves, so an entry that imports `node:*` (or a package that does) fails to bundle. The
 * package's own specifiers (`instacart-connect/events`, and Deno's `npm:instacart-connect/events`)
 * resolve to the sources, as the docs' snippets import them.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { root } from "../../scripts/lib/paths.ts";

const ENTRIES: Record<string, string> = {
  "": "src/index.ts",
  "/events": "src/events/index.ts",
  "/stores/redis": "src/stores/redis.ts",
  "/stores/postgres": "src/stores/postgres.ts",
  "/node": "src/adapters/node.ts",
};

/** `instacart-connect[/subpath]`, with or without Deno's `npm:` prefix, → that entry's source. */
const packageEntries: Plugin = {
  name: "instacart-connect-entries",
  setup(builder) {
    builder.onResolve({ filter: /^(npm:)?instacart-connect(\/.*)?$/ }, (args) => {
      const subpath = args.path.replace(/^(npm:)?instacart-connect/, "");
      const entry = ENTRIES[subpath];
      if (entry === undefined) return { errors: [{ text: `no neutral entry ${args.path} (known: ${Object.keys(ENTRIES).join(", ")})` }] };
      return { path: join(root, entry) };
    });
  },
};

export interface BundleOptions {
  /** A file to bundle, or source text (resolved from the project root). */
  entry: { file: string } | { source: string };
  format: "esm" | "iife";
  /** `neutral` (the default): only what every runtime has; `node`: `node:*` imports stay imports. */
  platform?: "neutral" | "node";
  /** Identifiers replaced by these values (JSON-encoded here). */
  define?: Record<string, string>;
  /** Where to write the bundle. */
  outfile: string;
}

export async function bundle(options: BundleOptions): Promise<string> {
  const entry =
    "file" in options.entry
      ? { entryPoints: [join(root, options.entry.file)] }
      : { stdin: { contents: options.entry.source, resolveDir: root, loader: "ts" as const, sourcefile: "snippet.ts" } };
  const result = await build({
    ...entry,
    bundle: true,
    platform: options.platform ?? "neutral",
    format: options.format,
    target: "es2022",
    write: false,
    logLevel: "silent",
    plugins: [packageEntries],
    define: Object.fromEntries(Object.entries(options.define ?? {}).map(([name, value]) => [name, JSON.stringify(value)])),
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error("esbuild wrote no bundle");
  await writeFile(options.outfile, output.text);
  return options.outfile;
}

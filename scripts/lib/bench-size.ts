/**
 * Size for `npm run bench`: the rows of `size-limit --json` (.size-limit.js: esbuild, minified,
 * gzipped), the same measurement whose budgets `npm test` enforces.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { root } from "./paths.ts";

const run = promisify(execFile);

export interface BundleSize {
  /** Minified and gzipped bytes (level 9). */
  gzipped: number;
}

export interface SizeResults {
  /** Every export of the package. */
  package: BundleSize;
  /** `import { createConnectClient } from "instacart-connect"` alone. */
  client: BundleSize;
  /** `import createClient from "openapi-fetch"`. */
  openapiFetch: BundleSize;
}

const ROWS = {
  package: "instacart-connect: every export",
  client: "instacart-connect: createConnectClient",
  openapiFetch: "openapi-fetch: createClient",
} as const;

export async function measureSize(): Promise<SizeResults> {
  const bin = join(createRequire(import.meta.url).resolve("size-limit/package.json"), "..", "bin.js");
  // A bundle over its budget exits 1: the bench still reports the numbers.
  const { stdout } = await run(process.execPath, [bin, "--json"], { cwd: root }).catch((error: { stdout?: string; message: string }) => {
    if (error.stdout?.trimStart().startsWith("[")) return { stdout: error.stdout };
    throw new Error(`size-limit failed: ${error.message}`);
  });
  const rows = JSON.parse(stdout) as { name: string; size: number }[];
  const gzipped = (name: string): BundleSize => {
    const row = rows.find((candidate) => candidate.name === name);
    if (!row) throw new Error(`.size-limit.js has no row named "${name}"`);
    return { gzipped: row.size };
  };
  return { package: gzipped(ROWS.package), client: gzipped(ROWS.client), openapiFetch: gzipped(ROWS.openapiFetch) };
}

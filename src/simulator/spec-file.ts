/**
 * Finds the bundled OpenAPI document the simulator serves: `generated/openapi.json` in the
 * repository, `dist/openapi.json` in the installed package (the file `instacart-connect/openapi.json`
 * exports). Both sit at a fixed distance from this module, in ESM and in CommonJS builds alike.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * This module's directory: from `import.meta.url` in an ES module, from `__dirname` in the CommonJS
 * build (where esbuild leaves `import.meta` empty). import.meta comes first: `node -e` and some test
 * runners define a global `__dirname` that has nothing to do with this file.
 */
function moduleDir(): string {
  const url = (import.meta as { url?: string }).url;
  if (typeof url === "string" && url.startsWith("file:")) return dirname(fileURLToPath(url));
  return __dirname;
}

/** Where the spec is, seen from src/simulator/ (repository) or dist/{esm,cjs}/src/simulator/ (package). */
export function specCandidates(dir: string = moduleDir()): string[] {
  return [join(dir, "..", "..", "generated", "openapi.json"), join(dir, "..", "..", "..", "openapi.json")];
}

export function locateSpec(): string {
  const candidates = specCandidates();
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`The simulator cannot find the bundled spec; looked at:\n  ${candidates.join("\n  ")}`);
  return found;
}

export function readSpec(path: string = locateSpec()): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

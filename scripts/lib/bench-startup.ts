/**
 * Start-up: a cold `import` of the package in a fresh Node.js process, timed inside that process
 * (`performance.now()` around `await import(…)`), median of 10, interleaved with the same for
 * openapi-fetch alone and with an empty process (for the whole process's wall time).
 *
 * What is imported: see `packageEntry` (the build, or an esbuild bundle of the sources).
 */
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import { packageEntry } from "./bench-package.ts";
import { median } from "./bench-stats.ts";
import { root } from "./paths.ts";

export interface StartupResults {
  /** What was imported: an esbuild bundle of `src/index.ts`. */
  target: string;
  runs: number;
  /** Median ms of `await import()` of the package in a fresh process. */
  importMs: number;
  /** Median ms of `await import("openapi-fetch")` in a fresh process. */
  openapiFetchImportMs: number;
  /** Median wall ms of a whole `node` process that imports the package and exits. */
  processMs: number;
  /** Median wall ms of a `node` process that does nothing. */
  emptyProcessMs: number;
}

/** Runs `node -e code`; resolves with its stdout and its wall time from spawn to exit. */
function runNode(code: string): Promise<{ stdout: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.once("error", reject);
    child.once("exit", (status) => {
      if (status !== 0) reject(new Error(`node -e exited with ${status}`));
      else resolve({ stdout, ms: performance.now() - started });
    });
  });
}

const timedImport = (url: string): string =>
  `const t0 = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t0));`;

export async function measureStartup(runs = 10): Promise<StartupResults> {
  const { file, target } = await packageEntry();
  const ours = pathToFileURL(file).href;
  const openapiFetch = import.meta.resolve("openapi-fetch");
  const imports: number[] = [];
  const baseline: number[] = [];
  const processes: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await runNode(timedImport(ours));
    imports.push(Number(a.stdout));
    processes.push(a.ms);
    baseline.push(Number((await runNode(timedImport(openapiFetch))).stdout));
    empty.push((await runNode("")).ms);
  }
  return {
    target,
    runs,
    importMs: median(imports),
    openapiFetchImportMs: median(baseline),
    processMs: median(processes),
    emptyProcessMs: median(empty),
  };
}

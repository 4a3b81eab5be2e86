/**
 * `npm run bench:instructions`: the client's work per call in CPU
 * instructions, counted by valgrind's callgrind, against bare openapi-fetch. Unlike time, an
 * instruction count does not change with the load of a shared machine, so small differences show.
 *
 * Each variant runs in its own process, `node --single-threaded` (no background compiler or
 * garbage-collector threads) with a fixed random seed: `warm` calls, then `calls` more. Two runs
 * that differ only in `calls` give the cost of one call as (count(2n) − count(n)) ÷ n, which leaves
 * out start-up, imports and warm-up.
 *
 *   --mode memory    `fetch` answered in memory: the client's own work only (default);
 *   --mode loopback  the benchmark's node:http server in another process: the client and Node's fetch
 *                    (these counts vary from run to run by 10–30%: the network's timing decides how
 *                    many event-loop turns a call takes; compare memory counts).
 *   --calls N (default 1000), --warm N (default 3000);
 *   --variants a,b (default fetch+timeout,openapi-fetch,instacart-connect); --methods GET,POST.
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchDir, bundleForBench, packageEntry } from "./lib/bench-package.ts";
import { benchFixtures, startBenchServerProcess } from "./lib/bench-server.ts";
import { formatTable } from "./lib/bench-stats.ts";
import { root } from "./lib/paths.ts";

const { values: args } = parseArgs({
  options: {
    mode: { type: "string" },
    calls: { type: "string" },
    warm: { type: "string" },
    variants: { type: "string" },
    methods: { type: "string" },
  },
});
const mode = args.mode ?? "memory";
if (mode !== "memory" && mode !== "loopback") throw new Error("--mode is memory or loopback");
const calls = Number(args.calls ?? 1000);
const warm = Number(args.warm ?? 3000);
const VARIANTS = ["fetch+timeout", "openapi-fetch", "instacart-connect"];
const variants = (args.variants ?? VARIANTS.join(",")).split(",");
if (variants.some((v) => !VARIANTS.includes(v))) throw new Error(`--variants: some of ${VARIANTS.join(", ")}`);

const runner = await bundleForBench("scripts/lib/bench-instructions-runner.ts", "instructions-runner.mjs");
const { file: pkg } = await packageEntry();
const fixtures = JSON.stringify(benchFixtures());

/** Instructions callgrind counted in one run of the runner. */
function count(variant: string, method: string, n: number, url: string): Promise<number> {
  const out = join(benchDir, `callgrind.${process.pid}.${variant}.${method}.${n}`);
  const argv = ["--tool=callgrind", `--callgrind-out-file=${out}`, process.execPath, "--single-threaded", "--random-seed=1"];
  argv.push(runner, pkg, variant, method, String(warm), String(n), mode as string, url);
  return new Promise((resolve, reject) => {
    const child = spawn("valgrind", argv, {
      cwd: root,
      env: { ...process.env, BENCH_FIXTURES: fixtures },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const summary = /summary: (\d+)/.exec(readFileSync(out, "utf8"));
      rmSync(out, { force: true });
      if (code !== 0 || !summary) reject(new Error(`callgrind run failed (${code}):\n${stderr.slice(-2000)}`));
      else resolve(Number(summary[1]));
    });
  });
}

const server = mode === "loopback" ? await startBenchServerProcess() : undefined;
const rows = [["method", ...variants, ...(variants.length === 3 ? ["÷ fetch+timeout", "÷ openapi-fetch"] : [])]];
try {
  for (const method of (args.methods ?? "GET,POST").split(",")) {
    const perCall: number[] = [];
    for (const variant of variants) {
      const url = server?.url ?? "";
      const once = await count(variant, method, calls, url);
      const twice = await count(variant, method, 2 * calls, url);
      perCall.push((twice - once) / calls);
      process.stderr.write(`${method} ${variant}: ${Math.round((twice - once) / calls).toLocaleString("en-US")} instructions per call\n`);
    }
    const ratios = perCall.length === 3 ? [perCall[2]! / perCall[0]!, perCall[2]! / perCall[1]!].map((r) => `${r.toFixed(3)}×`) : [];
    rows.push([method, ...perCall.map((n) => Math.round(n).toLocaleString("en-US")), ...ratios]);
  }
} finally {
  await server?.close();
}
process.stdout.write(
  `\nInstructions per call (callgrind, ${mode}, ${calls} calls after ${warm} of warm-up, Node.js ${process.version}):\n\n${formatTable(rows, 2)}\n`,
);

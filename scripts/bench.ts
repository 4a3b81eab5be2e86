/**
 * npm run bench: what the client costs per call, per token and per byte, side by side with raw
 * `fetch` and bare openapi-fetch in the same run. Prints one table and writes bench/results.json.
 * Not part of `npm test`: timings depend on the machine, so nothing here asserts a time.
 *
 *   1. per-call overhead (GET and POST; 5,000 sequential calls and 10,000 at concurrency 64 per
 *      variant, alternated in small blocks, medians of 5 rounds) against a node:http server in its
 *      own process;
 *   2. token requests made by 1,000 concurrent calls on a cold client, and when the token expires mid-run;
 *   3. heap and RSS after 5,000 and 50,000 calls;
 *   4. minified + gzipped bundle size against openapi-fetch;
 *   5. cold import time in a fresh process (median of 10);
 *   6. tsc time and counts for a consumer calling 20 operations, and the size of generated/schema.ts.
 *
 * Goals (issue 14), each judged on ratios taken round by round inside this run:
 *   - sequential median latency ≤ 1.05 × the `fetch+timeout` floor, GET and POST;
 *   - client CPU per call ≤ bare openapi-fetch's, in every row;
 *   - median latency at concurrency 64 ≤ 1.10 × bare openapi-fetch's.
 *
 * Options: --rounds N (default 5), --quick (a tenth of the calls, for trying the script out),
 * --calls-only (section 1 only, for comparing changes to the call path).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createVariants,
  measureMode,
  roundRatio,
  warmUp,
  VARIANTS,
  type Method,
  type ModeStats,
  type VariantName,
} from "./lib/bench-calls.ts";
import { measureMemory, type MemoryPoint } from "./lib/bench-memory.ts";
import { startBenchServerProcess } from "./lib/bench-server.ts";
import { measureSize } from "./lib/bench-size.ts";
import { measureStartup } from "./lib/bench-startup.ts";
import { formatTable, kb, mb, ms, perSecond, ratio, signedMb, us } from "./lib/bench-stats.ts";
import { measureTokens } from "./lib/bench-tokens.ts";
import { measureTypes } from "./lib/bench-types.ts";
import { root } from "./lib/paths.ts";

const { values: args } = parseArgs({
  options: { rounds: { type: "string" }, quick: { type: "boolean" }, "calls-only": { type: "boolean" } },
});
const quick = args.quick === true;
const callsOnly = args["calls-only"] === true;
const rounds = Number(args.rounds ?? 5);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds must be a whole number ≥ 1");
const scale = quick ? 0.1 : 1;
const SEQUENTIAL = Math.round(5_000 * scale);
const CONCURRENT = Math.round(10_000 * scale);
const CONCURRENCY = 64;
const MEMORY_CHECKPOINTS = [Math.round(5_000 * scale), Math.round(50_000 * scale)];
const GOALS = {
  /** Sequential median latency ÷ the fetch+timeout floor. */
  sequentialRatio: 1.05,
  /** Client CPU per call ÷ bare openapi-fetch's. */
  cpuRatio: 1,
  /** Median latency at concurrency 64 ÷ bare openapi-fetch's. */
  concurrentRatio: 1.1,
  tokenRequests: 1,
  memoryGrowth: 5 * 1024 * 1024,
  importMs: 50,
};

const started = performance.now();
const log = (text: string): void =>
  void process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${text}\n`);
const loadBefore = loadavg();
const cpuList = cpus();
log(
  `bench: ${cpuList.length} CPUs (${cpuList[0]?.model.trim() ?? "?"}), Node.js ${process.version}, load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`,
);

// 1. Per-call overhead.
const server = await startBenchServerProcess();
const COMPARED = ["fetch", "openapi-fetch", "instacart-connect"] as const;
type Compared = (typeof COMPARED)[number];
let overhead: Record<Method, { sequential: Record<VariantName, ModeStats>; concurrent: Record<Compared, ModeStats> }>;
let tokens: Awaited<ReturnType<typeof measureTokens>> | undefined;
let memory: Awaited<ReturnType<typeof measureMemory>> | undefined;
try {
  const variants = await createVariants(server.url);
  log("warming up");
  await warmUp(variants, Math.round(300 * scale) || 30, CONCURRENCY);
  overhead = {} as typeof overhead;
  for (const method of ["GET", "POST"] as const) {
    log(`${method}: ${SEQUENTIAL} sequential calls per variant`);
    const sequential = await measureMode(variants, method, { calls: SEQUENTIAL, concurrency: 1, rounds, blocks: 4 }, VARIANTS);
    log(`${method}: ${CONCURRENT} calls per variant at concurrency ${CONCURRENCY}`);
    const concurrent = await measureMode(variants, method, { calls: CONCURRENT, concurrency: CONCURRENCY, rounds, blocks: 2 }, COMPARED);
    overhead[method] = { sequential, concurrent };
  }
  const served = await server.counts();
  if (served.refused > 0) throw new Error(`the server refused ${served.refused} calls`);

  // 3. Memory (a child process of its own, against the same server).
  if (!callsOnly) {
    log(`memory: ${MEMORY_CHECKPOINTS.at(-1)} calls in a fresh process`);
    memory = await measureMemory(server.url, MEMORY_CHECKPOINTS, CONCURRENCY);
  }
} finally {
  await server.close();
}

// 2. Tokens (their own in-process server: only counts matter).
if (!callsOnly) {
  log("tokens: 1,000 concurrent calls on a cold client, then with a token that expires mid-run");
  tokens = await measureTokens(1000);
}

// 4–6.
log("size: esbuild bundles");
const size = await measureSize();
let startup: Awaited<ReturnType<typeof measureStartup>> | undefined;
let types: Awaited<ReturnType<typeof measureTypes>> | undefined;
if (!callsOnly) {
  log("start-up: cold imports in fresh processes");
  startup = await measureStartup(10);
  log("types: tsc on consumer files");
  types = await measureTypes(quick ? 1 : 2);
}

// The table: one row per measure; the variants side by side, then ratios to raw fetch and to openapi-fetch.
const yes = (ok: boolean): string => (ok ? "yes" : "NO");
const rows: string[][] = [
  ["", "measure", "fetch", "fetch+timeout", "openapi-fetch", "instacart-connect", "÷ fetch+timeout", "÷ openapi-fetch", "goal", "met"],
];
const add = (section: string, measure: string, cells: readonly string[], vsFloor = "", vsOpenapi = "", goal = "", met = ""): void =>
  void rows.push([section, measure, ...cells, vsFloor, vsOpenapi, goal, met]);
const ours = (text: string): string[] => ["", "", "", text];
/** Every goal of section 1, for results.json. */
const goalsMet: Record<string, boolean> = {};
for (const method of ["GET", "POST"] as const) {
  for (const mode of ["sequential", "concurrent"] as const) {
    const stats = overhead[method][mode] as Partial<Record<VariantName, ModeStats>>;
    const f = stats.fetch!;
    const t = stats["fetch+timeout"];
    const o = stats["openapi-fetch"]!;
    const c = stats["instacart-connect"]!;
    const cells = (pick: (s: ModeStats) => string): string[] => [pick(f), t ? pick(t) : "", pick(o), pick(c)];
    const label = `${method} ${mode === "sequential" ? `×${SEQUENTIAL} seq` : `×${CONCURRENT} c${CONCURRENCY}`}`;
    const vsFloor = t ? roundRatio(c.roundMedians, t.roundMedians) : Number.NaN;
    const vsOpenapi = roundRatio(c.roundMedians, o.roundMedians);
    const latencyMet = mode === "sequential" ? vsFloor <= GOALS.sequentialRatio : vsOpenapi <= GOALS.concurrentRatio;
    goalsMet[`${label} latency`] = latencyMet;
    add(
      label,
      "latency median",
      cells((s) => `${us(s.median)} ${ratio(s.ratio)}`),
      t ? ratio(vsFloor) : "",
      ratio(vsOpenapi),
      mode === "sequential" ? `≤ ${GOALS.sequentialRatio}× floor` : `≤ ${GOALS.concurrentRatio}× o-f`,
      yes(latencyMet),
    );
    add(
      "",
      "latency p99",
      cells((s) => us(s.p99)),
      t ? ratio(c.p99 / t.p99) : "",
      ratio(c.p99 / o.p99),
    );
    add(
      "",
      "throughput",
      cells((s) => perSecond(s.throughput)),
      t ? ratio(c.throughput / t.throughput) : "",
      ratio(c.throughput / o.throughput),
    );
    const cpuVsOpenapi = roundRatio(c.roundCpu, o.roundCpu);
    goalsMet[`${label} CPU`] = cpuVsOpenapi <= GOALS.cpuRatio;
    add(
      "",
      "client CPU per call",
      cells((s) => us(s.cpu)),
      t ? ratio(roundRatio(c.roundCpu, t.roundCpu)) : "",
      ratio(cpuVsOpenapi),
      `≤ ${GOALS.cpuRatio}× o-f`,
      yes(cpuVsOpenapi <= GOALS.cpuRatio),
    );
  }
}
if (tokens) {
  add(
    "tokens",
    `${tokens.cold.calls.toLocaleString("en-US")} concurrent calls, cold client: token requests`,
    ours(String(tokens.cold.tokenRequests)),
    "",
    "",
    "1",
    yes(tokens.cold.tokenRequests === 1),
  );
  add(
    "",
    "same, the token expires mid-run: token requests",
    ours(`${tokens.expiring.tokenRequests} (${tokens.expiring.refused} × 401, retried)`),
    "",
    "",
    "2",
    yes(tokens.expiring.tokenRequests === 2),
  );
}
if (memory) {
  const [base, first, last] = memory.points as [MemoryPoint, MemoryPoint, MemoryPoint];
  add(
    "memory",
    `heap after warm-up / ${first.calls} / ${last.calls} calls`,
    ours(`${mb(base.heapUsed)} / ${mb(first.heapUsed)} / ${mb(last.heapUsed)}`),
  );
  add(
    "",
    `heap growth ${first.calls} → ${last.calls} calls`,
    ours(signedMb(memory.heapGrowth)),
    "",
    "",
    "< 5 MB",
    yes(memory.heapGrowth < GOALS.memoryGrowth),
  );
  add("", `RSS after warm-up / ${first.calls} / ${last.calls} calls`, ours(`${mb(base.rss)} / ${mb(first.rss)} / ${mb(last.rss)}`));
  add(
    "",
    `RSS growth ${first.calls} → ${last.calls} calls`,
    ours(signedMb(memory.rssGrowth)),
    "",
    "",
    "< 5 MB",
    yes(memory.rssGrowth < GOALS.memoryGrowth),
  );
}
add(
  "size",
  "runtime bundle, min + gzip: whole package",
  ["", "", kb(size.openapiFetch.gzipped), kb(size.package.gzipped)],
  "",
  ratio(size.package.gzipped / size.openapiFetch.gzipped),
);
add(
  "",
  "createConnectClient alone, min + gzip",
  ["", "", kb(size.openapiFetch.gzipped), `${size.client.gzipped.toLocaleString("en-US")} B`],
  "",
  ratio(size.client.gzipped / size.openapiFetch.gzipped),
);
if (startup) {
  add(
    "start-up",
    `cold import in a fresh process, median of ${startup.runs}`,
    ["", "", ms(startup.openapiFetchImportMs, 1), ms(startup.importMs, 1)],
    "",
    ratio(startup.importMs / startup.openapiFetchImportMs),
    `≤ ${GOALS.importMs} ms`,
    yes(startup.importMs <= GOALS.importMs),
  );
  add("", `whole process (an empty one: ${ms(startup.emptyProcessMs)})`, ours(ms(startup.processMs)));
}
if (types) {
  add(
    "types",
    `tsc --noEmit: empty file / import only (median of ${types.runs})`,
    ours(`${ms(types.empty.ms)} / ${ms(types.importOnly.ms)}`),
  );
  add(
    "",
    "tsc --noEmit: 20 calls",
    ["", "", ms(types.openapiFetch20.ms), ms(types.calls20.ms)],
    "",
    ratio(types.calls20.ms / types.openapiFetch20.ms),
  );
  add(
    "",
    "  of which checking (tsc's Check time)",
    ["", "", ms(types.openapiFetch20.checkMs), ms(types.calls20.checkMs)],
    "",
    ratio(types.calls20.checkMs / types.openapiFetch20.checkMs),
  );
  add(
    "",
    "  type instantiations (deterministic)",
    ["", "", types.openapiFetch20.instantiations.toLocaleString("en-US"), types.calls20.instantiations.toLocaleString("en-US")],
    "",
    ratio(types.calls20.instantiations / types.openapiFetch20.instantiations),
  );
  add("", "generated/schema.ts", ours(`${kb(types.schemaBytes)}, ${types.schemaLines.toLocaleString("en-US")} lines`));
}

// A reference without a goal: openapi-fetch given the per-attempt guarantees this client gives.
const sameGuarantees: string[][] = [["", "measure", "openapi-fetch+timeout", "instacart-connect", "÷ openapi-fetch+timeout"]];
for (const method of ["GET", "POST"] as const) {
  const { sequential } = overhead[method];
  const g = sequential["openapi-fetch+timeout"];
  const c = sequential["instacart-connect"];
  sameGuarantees.push(
    [`${method} ×${SEQUENTIAL} seq`, "latency median", us(g.median), us(c.median), ratio(roundRatio(c.roundMedians, g.roundMedians))],
    ["", "client CPU per call", us(g.cpu), us(c.cpu), ratio(roundRatio(c.roundCpu, g.roundCpu))],
  );
}

const durationMs = performance.now() - started;
const loadAfter = loadavg();
const table = formatTable(rows, 2);
process.stdout.write(
  [
    "",
    `instacart-connect benchmarks: ${cpuList.length} CPUs, Node.js ${process.version}, load average ${loadBefore[0]!.toFixed(2)} before / ${loadAfter[0]!.toFixed(2)} after (other processes share the machine)`,
    `Server: node:http on 127.0.0.1 in its own process, fixed JSON (the spec's getOrder and createUser examples); all variants share Node's global fetch agent.`,
    `Per-call rows: medians over ${rounds} rounds; variants alternate in blocks, in rotating order. Ratios are per round, then the median.`,
    "",
    table,
    "",
    "openapi-fetch with the same per-attempt guarantees (a timeout that covers the body, no redirects), written by hand; a reference, no goal:",
    formatTable(sameGuarantees, 2),
    "",
    ...(startup && types ? [`Start-up measured on: ${startup.target}. Types: consumer sees ${types.declarations}.`] : []),
    `Finished in ${(durationMs / 1000).toFixed(0)} s. Results: bench/results.json`,
    "",
  ].join("\n"),
);

const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter,
  },
  /** Median per-call latency of this client ÷ raw fetch, sequential GET. */
  overheadRatio: overhead.GET.sequential["instacart-connect"].ratio,
  /** Token requests made by 1,000 concurrent calls on a cold client. */
  tokenRequests: tokens?.cold.tokenRequests,
  goals: GOALS,
  goalsMet,
  config: { rounds, sequentialCalls: SEQUENTIAL, concurrentCalls: CONCURRENT, concurrency: CONCURRENCY, quick },
  overhead,
  tokens,
  memory,
  size,
  startup,
  types,
  durationMs,
  table,
};
mkdirSync(join(root, "bench"), { recursive: true });
writeFileSync(join(root, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
